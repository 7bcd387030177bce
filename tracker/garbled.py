"""Telling a sheet whose Chinese text is garbled (乱码) before any of it is imported.

A CSV saved in Big5 (traditional Chinese, Taiwan/Hong Kong) decodes as GBK without an error, and so
does UTF-8 text that an editor once opened as GBK and saved again: both give a roster of nonsense
names that looks like Chinese. Real rosters are made of common characters (GB 2312's set, which covers
all but a few rare name characters); garbled ones are full of rare characters, Japanese kana, box
drawing and Greek or Cyrillic letters out of GBK's symbol rows, and replacement marks (``is_garbled``
says how many make a text garbled). Such a text is refused with a message that says what it probably
is and how to save it properly.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

#: how much text is looked at
SAMPLE = 50_000


def _in_gb2312(ch: str) -> bool:
    try:
        ch.encode("gb2312")
    except UnicodeEncodeError:
        return False
    return True


def _han(o: int) -> bool:
    return 0x4E00 <= o <= 0x9FFF or 0x3400 <= o <= 0x4DBF


def _symbol(o: int) -> bool:
    """What GBK's symbol rows and garbling give and a Chinese roster never has."""
    return (0x3040 <= o <= 0x30FF  # kana
            or 0x2500 <= o <= 0x257F  # box drawing
            or 0x0370 <= o <= 0x052F  # Greek, Cyrillic
            or 0x3300 <= o <= 0x33FF  # CJK compatibility (㏄)
            or 0xFE30 <= o <= 0xFE4F  # CJK compatibility forms (﹎)
            or 0xE000 <= o <= 0xF8FF  # private use (GBK's user-defined area)
            or o == 0xFFFD)


@dataclass(frozen=True)
class Counts:
    han: int = 0  # Chinese characters
    rare: int = 0  # of which not in GB 2312 (all but a few rare name characters are)
    symbols: int = 0  # kana, box drawing, Greek, Cyrillic, private use, replacement marks


def counts(text: str) -> Counts:
    han = rare = symbols = 0
    for ch in text:
        o = ord(ch)
        if o < 0x370:
            continue
        if _han(o):
            han += 1
            rare += not _in_gb2312(ch)
        elif _symbol(o):
            symbols += 1
    return Counts(han, rare, symbols)


def is_garbled(text: str) -> bool:
    """Rare name characters alone never make a text garbled: it takes symbols, a share of rare characters no
    roster has, or rare characters that turn back into readable UTF-8 text."""
    if "锟斤拷" in text:  # the classic: replacement marks saved as UTF-8 and read as GBK
        return True
    c = counts(text)
    odd = c.rare + c.symbols
    if c.symbols >= 3 and odd > 0.2 * (c.han + c.symbols):
        return True
    if c.rare >= 10 and c.rare > 0.4 * c.han:
        return True
    return c.rare >= 3 and c.rare > 0.2 * c.han and _was_utf8_read_as_gbk(text)


def _was_utf8_read_as_gbk(text: str) -> bool:
    """UTF-8 text once opened as GBK and saved again: encoding it back as GBK gives readable UTF-8 (but for a
    few marks where an odd byte met the next comma)."""
    sample = text[:4000].replace("\ufffd", "?")
    back = sample.encode("gb18030", errors="replace").decode("utf-8", errors="replace")
    c = counts(back)
    return back.count("\ufffd") <= max(2, len(back) // 20) + sample.count("?") and c.han > 0 and c.rare <= 0.2 * c.han


def diagnose(texts: Iterable[str], raw: bytes | None = None) -> tuple[str, str] | None:
    """(zh, en) saying why the text is garbled and how to fix it, or None when it reads as Chinese."""
    parts, size = [], 0
    for t in texts:  # a sample is enough (and a 100 000-row sheet is not read character by character)
        parts.append(t)
        size += len(t)
        if size > SAMPLE:
            break
    text = "\n".join(parts)
    if not is_garbled(text):
        return None
    fix_zh = "请在 Excel 或 WPS 中打开原表，另存为“Excel 工作簿（.xlsx）”或“CSV UTF-8”后重新导入。"
    fix_en = "Open the original in Excel or WPS, save it as an Excel workbook (.xlsx) or 'CSV UTF-8', and import that."
    if raw is not None:
        try:
            big5 = raw.decode("big5")
        except UnicodeDecodeError:
            big5 = None
        if big5 is not None and counts(big5).symbols == 0:
            return ("文件中的中文像是繁体中文 Big5 编码，按简体（GBK）读出来是乱码，未导入任何内容。" + fix_zh,
                    "The file's Chinese looks like Big5 (traditional Chinese); read as GBK it is garbled, so nothing "
                    "was imported. " + fix_en)
    if _was_utf8_read_as_gbk(text):
        return ("文件中的中文是乱码：它曾被当作 GBK 打开后又保存过（例如“寮犱笁”原为“张三”），未导入任何内容。"
                "请找到未损坏的原表，" + fix_zh.removeprefix("请"),
                "The file's Chinese is garbled: UTF-8 text was once opened as GBK and saved again (e.g. '寮犱笁' was "
                "'张三'), so nothing was imported. Find an undamaged original; " + fix_en[0].lower() + fix_en[1:])
    return ("文件中的中文是乱码（大量生僻字、日文假名或制表符），可能是编码不对，未导入任何内容。" + fix_zh,
            "The file's Chinese is garbled (many rare characters, Japanese kana or box drawing): probably the wrong "
            "encoding, so nothing was imported. " + fix_en)
