"""One decision of one meeting for many people: what was saved, and who was refused and why."""

from __future__ import annotations

from dataclasses import dataclass

from .model import Person
from .rules import Check


class BatchRefused(Exception):
    """Recording one decision for many people: some were refused (each with their check); nothing was saved."""

    def __init__(self, refused: list[tuple[Person, Check]]) -> None:
        self.refused = refused
        super().__init__("; ".join(f"{p.name}: {v.en}" for p, c in refused for v in c.refusals))

    def message(self, lang: str) -> str:
        lines = []
        for p, c in self.refused:
            lines.append(f"{p.name}（编号 {p.id}）：" if lang == "zh" else f"{p.name} (id {p.id}):")
            lines += [f"  {v.message(lang)}" for v in c.refusals]
        soft = any(not c.hard_refusals for _, c in self.refused)
        hint = ("如确需办理，请写明理由（--override \"理由\"）；或只记录符合规则的人（--skip-refused）。" if soft
                else "可只记录符合规则的人（--skip-refused）。") if lang == "zh" else (
            'To proceed anyway, give a written reason (--override "reason"); or record only those who pass '
            "(--skip-refused)." if soft else "Record only those who pass with --skip-refused.")
        return "\n".join([*lines, hint])


@dataclass(frozen=True)
class Batch:
    """One decision recorded for many people (one history entry, one undo)."""

    people: list[Person]
    checks: dict[int, Check]  # each recorded person's check (what an override lifted is in its refusals)
    skipped: list[tuple[Person, Check]]  # refused and left out (``skip_refused``)
    history_id: int
