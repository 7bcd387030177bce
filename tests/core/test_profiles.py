from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tracker.profiles import ProfileError, builtin_profiles, load_rulebook, zh_number

CODES_2026 = {f"R{i}" for i in range(1, 24)}
NEW_IN_2026 = {"R6", "R10", "R12"}


def test_both_editions_ship_with_their_effective_dates() -> None:
    eds = {p.name: p for p in builtin_profiles()}
    assert eds["cpc-2014"].effective == date(2014, 5, 28)
    assert eds["cpc-2026"].effective == date(2026, 5, 11)


def test_2026_edition_holds_every_rule_of_rules_md() -> None:
    eds = {p.name: p for p in builtin_profiles()}
    assert {r.code for r in eds["cpc-2026"].rules} == CODES_2026
    assert {r.code for r in eds["cpc-2014"].rules} == CODES_2026 - NEW_IN_2026


def test_every_rule_has_bilingual_text_and_a_citation() -> None:
    for prof in builtin_profiles():
        for r in prof.rules:
            assert r.zh and r.en and r.zh != r.en
            assert r.citation("zh").startswith(("细则第", "党章第", "各地规定")) and r.citation("en")


#: RULES.md's table: (2026 article, 2014 article) of every rule that cites one
ARTICLES = {
    "R1": (5, 5), "R2": (7, 7), "R4": (11, 11), "R5": (13, 13), "R6": (13, None), "R7": (17, 17), "R8": (16, 16),
    "R9": (14, 14), "R10": (19, None), "R11": (25, 26), "R12": (29, None), "R13": (31, 32), "R14": (31, 32),
    "R15": (31, 32), "R16": (33, 34), "R17": (35, 36), "R18": (18, 19), "R20": (13, 13), "R21": (19, 20),
    "R22": (23, 24), "R23": (32, 33),
}


@pytest.mark.parametrize("code", sorted(ARTICLES))
def test_article_numbers_of_both_editions_follow_rules_md(code: str) -> None:
    eds = {p.name: p for p in builtin_profiles()}
    for edition, want in zip(("cpc-2026", "cpc-2014"), ARTICLES[code], strict=True):
        arts = {r.article for r in eds[edition].rules if r.code == code}
        assert arts == ({want} if want is not None else set()), (edition, code)


def test_r19_cites_the_party_constitution() -> None:
    (r,) = [r for r in builtin_profiles()[1].rules if r.code == "R19"]
    assert r.citation("zh") == "党章第一条" and r.citation("en") == "Party Constitution Art. 1"


def test_the_2014_article_of_r22_is_marked_as_inferred() -> None:
    (r,) = [r for r in builtin_profiles()[0].rules if r.code == "R22"]
    assert r.citation("zh") == "细则第二十四条（推定）" and "inferred" in r.citation("en")


def test_before_2014_no_edition_is_modelled() -> None:
    book = load_rulebook()
    assert not book.modelled(date(2014, 5, 27)) and book.modelled(date(2014, 5, 28))
    assert book.on(date(2010, 1, 1)).rules == ()


@pytest.mark.parametrize(("day", "edition"), [
    ("2014-05-27", "none"), ("2014-05-28", "cpc-2014"), ("2020-01-01", "cpc-2014"), ("2026-05-10", "cpc-2014"),
    ("2026-05-11", "cpc-2026"), ("2030-01-01", "cpc-2026"),
])
def test_edition_in_force_on_a_date(day: str, edition: str) -> None:
    assert load_rulebook().edition_on(date.fromisoformat(day)).name == edition


def test_pinned_profile_applies_on_every_date() -> None:
    assert load_rulebook("cpc-2026").edition_on(date(2020, 1, 1)).name == "cpc-2026"


def test_unknown_profile_name_lists_the_choices() -> None:
    with pytest.raises(ProfileError, match="cpc-2014"):
        load_rulebook("cpc-1999")


def _write(tmp_path: Path, body: str) -> str:
    f = tmp_path / "unit.toml"
    f.write_text('name = "unit"\nkind = "local"\n' + body, encoding="utf-8")
    return str(f)


def test_local_profile_that_shortens_a_national_minimum_is_refused(tmp_path: Path) -> None:
    path = _write(tmp_path, '[[rules]]\nid = "activist-1y"\nkind = "minimum"\nfrom = "activist"\nto = "target"\n'
                  'length = "6m"\nzh = "半年"\nen = "half a year"\n')
    with pytest.raises(ProfileError) as err:
        load_rulebook(path)
    assert "activist-1y" in err.value.zh and "放宽" in err.value.zh and "weaken" in err.value.en


def test_local_profile_that_lengthens_a_deadline_is_refused(tmp_path: Path) -> None:
    path = _write(tmp_path, '[[rules]]\nid = "talk-1m"\nkind = "deadline"\nfrom = "applied"\nto = "talked"\n'
                  'length = "2m"\nzh = "两个月"\nen = "two months"\n')
    with pytest.raises(ProfileError, match="weaken"):
        load_rulebook(path)


def test_local_profile_cannot_disable_a_national_rule(tmp_path: Path) -> None:
    with pytest.raises(ProfileError, match="never disable"):
        load_rulebook(_write(tmp_path, 'disable = ["publicity-5wd"]\n'))


def test_local_profile_may_tighten_and_add(tmp_path: Path) -> None:
    path = _write(tmp_path, '[[rules]]\nid = "activist-1y"\nkind = "minimum"\nfrom = "activist"\n'
                  'to = ["target", "target-proposed", "target-filed"]\nlength = "18m"\nzh = "一年半"\nen = "18 months"\n'
                  '[[rules]]\nid = "talk-2w"\nkind = "deadline"\nfrom = "applied"\nto = "talked"\nlength = "14d"\n'
                  'zh = "两周内谈话"\nen = "talk within two weeks"\n')
    book = load_rulebook(path)
    rs = book.on(date(2025, 1, 1))
    assert rs.get("activist-1y").length.n == 18  # type: ignore[union-attr]
    assert rs.get("talk-2w") is not None and rs.get("talk-1m") is not None


def test_local_rule_that_drops_a_step_the_national_rule_covers_is_refused(tmp_path: Path) -> None:
    path = _write(tmp_path, '[[rules]]\nid = "activist-1y"\nkind = "minimum"\nfrom = "activist"\nto = "target"\n'
                  'length = "18m"\nzh = "一年半"\nen = "18 months"\n')
    with pytest.raises(ProfileError, match="activist-1y"):
        load_rulebook(path)


def test_shipped_local_example_loads() -> None:
    book = load_rulebook("data/profiles/local-example.toml")
    assert book.on(date(2026, 6, 1)).get("thought-report-3m") is not None


def test_bad_length_in_a_profile_says_how_to_write_it(tmp_path: Path) -> None:
    path = _write(tmp_path, '[[rules]]\nid = "x"\nkind = "minimum"\nfrom = "applied"\nto = "activist"\n'
                  'length = "three months"\nzh = "x"\nen = "y"\n')
    with pytest.raises(ProfileError, match="18y"):
        load_rulebook(path)


@pytest.mark.parametrize(("n", "zh"), [(5, "五"), (10, "十"), (13, "十三"), (25, "二十五"), (31, "三十一")])
def test_article_numbers_in_chinese(n: int, zh: str) -> None:
    assert zh_number(n) == zh


def test_shipped_local_example_can_be_named() -> None:
    book = load_rulebook("local-example")
    assert book.local is not None and book.on(date(2026, 6, 1)).get("publicity-7d") is not None
