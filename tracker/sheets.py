"""Reading the sheets secretaries keep: the files (XLSX, every worksheet; CSV in UTF-8 or GBK), the header
row however it is spelled (one or two rows), and the cells as spreadsheets leave them (Excel serial dates,
year-months typed as numbers, ID numbers a number format has damaged, names padded for alignment).

Nothing here checks rules or matches people: ``importers`` does that with what is read here.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from .dates import DateError, parse_date_ex
from .exporters import FORMULA_STARTS
from .garbled import diagnose, is_garbled
from .i18n import BilingualError
from .inputs import InputError, birth_from_id, unspaced_name
from .sheetmarks import hyperlink_text, row_marks

#: header text → field. Chinese first; our English export too. Matched after ``norm_header`` (no spaces,
#: ASCII brackets, lower case, 日期 read as 时间), so 出生日期 ≡ 出生时间 and 工作单位（及职务） ≡ 工作单位(及职务).
HEADERS: dict[str, tuple[str, ...]] = {
    "name": ("姓名", "name"),
    "gender": ("性别", "gender"),
    "ethnicity": ("民族", "ethnicity"),
    "birth": ("出生年月", "出生日期", "出生年月日", "出生时间", "birth", "birthdate"),
    "education": ("学历", "文化程度", "education"),
    "branch": ("所在党支部", "所在支部", "党支部", "支部", "所在党组织", "所属支部", "所属党支部", "党支部名称", "支部名称",
               "branch"),
    "phone": ("联系电话", "电话", "手机", "手机号码", "手机号", "联系方式", "phone"),
    "id_number": ("身份证号", "身份证号码", "公民身份号码", "公民身份证号码", "idnumber"),
    "note": ("备注", "notes", "note"),
    "native_place": ("籍贯", "nativeplace"),
    "job": ("工作单位及职务", "工作单位(及职务)", "工作单位和职务", "单位及职务", "工作单位", "workplaceandpost"),
    "applied": ("递交入党申请书时间", "申请入党时间", "入党申请时间", "递交申请书时间", "提交入党申请书时间",
                "提交入党申请时间", "递交入党申请时间", "入党申请书递交时间", "入党申请书时间",
                "applicationreceived"),
    "activist": ("确定为入党积极分子时间", "列为入党积极分子时间", "确定入党积极分子时间", "确定为积极分子时间",
                 "列为积极分子时间", "积极分子确定时间", "入党积极分子确定时间", "确定积极分子时间", "成为积极分子时间",
                 "成为入党积极分子时间", "namedactivist"),
    "target": ("确定为发展对象时间", "列为发展对象时间", "确定发展对象时间", "发展对象确定时间", "listedastarget"),
    "admitted": ("接收为预备党员时间", "入党时间", "发展为预备党员时间", "支部大会通过时间", "支部大会接收时间",
                 "接收预备党员时间", "接收为预备党员时间(支部大会)", "admitted(probationary)", "admissionpassed",
                 "admissionpassed(branchmeeting)"),
    "approved": ("上级党委审批时间", "党委审批时间", "审批时间", "上级党委批准时间", "admissionapproved"),
    "converted": ("转正时间", "转为正式党员时间", "支部大会讨论转正时间", "converted", "conversionpassed"),
    "oath": ("入党宣誓时间", "宣誓时间", "oath"),
    "conversion-approved": ("转正审批时间", "上级党委审批转正时间", "批准转正时间", "conversionapproved"),
    "mentors": ("培养联系人", "培养人", "联系人", "联系人1", "联系人2", "培养联系人1", "培养联系人2", "mentors"),
    "sponsors": ("入党介绍人", "介绍人", "入党介绍人1", "入党介绍人2", "sponsors"),
    # when they were named: without such a column their names go into the note, never dated on the stage's date
    "mentors_date": ("确定培养联系人时间", "指定培养联系人时间", "培养联系人确定时间", "确定培养人时间", "mentorsassigned"),
    "sponsors_date": ("确定入党介绍人时间", "入党介绍人确定时间", "确定介绍人时间", "sponsorsnamed"),
}
#: headers we know but do not import: (zh, en) why. Listed in the report with the columns we do not know.
RECOGNISED_UNUSED: dict[str, tuple[str, str]] = {
    **{h: ("由日期推算，不导入", "derived from the dates; not imported")
       for h in ("预备期满时间", "预备期满日期", "probationends")},
    **{h: ("能识别，未导入", "recognised; not imported")
       for h in ("序号", "no.", "政审", "政审情况", "政审结论", "培训情况", "集中培训", "培训", "延长预备期",
                 "politicalreview", "training", "probationextended")},
}
UNKNOWN_COLUMN = ("不认识此列，未导入", "not a column we know; not imported")


def norm_header(text: Any) -> str:
    """A header as matched: no spaces at all (also the full-width 　 and line breaks), ASCII brackets and
    colon, lower case, 日期 read as 时间, a trailing colon or asterisk dropped."""
    s = "".join(str(text or "").split()).lower()
    s = s.translate(str.maketrans("（）【】［］：", "()[][]:")).replace("日期", "时间")
    return s.rstrip(":*")


LOOKUP = {norm_header(h): key for key, names in HEADERS.items() for h in names}
UNUSED_LOOKUP = {norm_header(h): why for h, why in RECOGNISED_UNUSED.items()}
HEAD_ZH = {k: v[0] for k, v in HEADERS.items()}


class ImportError_(BilingualError):
    """The file cannot be read at all (not a row problem)."""


# ------------------------------------------------------------------ reading tables

#: a sheet larger than this is refused before it is read (a real register has a few thousand rows)
MAX_ROWS = 100_000
_TOP_ROWS = 20  # title and header rows above the data: 100,000 people fit
MAX_COLUMNS = 200
#: the most an XLSX may expand to (its parts' declared uncompressed sizes), and the largest CSV
MAX_EXPANDED_BYTES = 300 * 1024 * 1024


def _too_big(what_zh: str, what_en: str, path: Path) -> ImportError_:
    return ImportError_(
        f"文件 {path} 过大，未导入：{what_zh}。上限为 {MAX_ROWS:,} 行 × {MAX_COLUMNS} 列、{MAX_EXPANDED_BYTES // 2**20} MB。"
        "请把需要导入的数据复制到一个新表中再导入。",
        f"{path} is too large and was not imported: {what_en}. The limit is {MAX_ROWS:,} rows × {MAX_COLUMNS} "
        f"columns and {MAX_EXPANDED_BYTES // 2**20} MB. Copy the rows to import into a new sheet and import that.")


def _check_xlsx_size(path: Path) -> None:
    """Refuse a workbook that would expand beyond the limit, from the zip's directory alone (nothing unpacked)."""
    try:
        with zipfile.ZipFile(path) as zf:
            expanded = sum(info.file_size for info in zf.infolist())
    except (zipfile.BadZipFile, OSError):
        raise damaged_workbook(path) from None
    if expanded > MAX_EXPANDED_BYTES:
        raise _too_big(f"解压后约 {expanded / 2**20:,.0f} MB", f"it expands to about {expanded / 2**20:,.0f} MB", path)


def _sheet_extent(ws: Any) -> tuple[int, int] | None:
    """Rows × columns the sheet declares (its <dimension ref>, read by openpyxl without loading a cell)."""
    rows, cols = ws.max_row, ws.max_column
    if rows is None or cols is None:
        return None
    return int(rows), int(cols)


def _uninert(value: Any) -> Any:
    """Undo the ``'`` our CSV export puts before text that starts like a formula (exporters.inert_csv)."""
    if isinstance(value, str) and value.startswith("'") and value[1:].startswith(FORMULA_STARTS):
        return value[1:]
    return value


def _bounded(rows: Iterable[Sequence[Any]], path: Path) -> list[list[Any]]:
    out: list[list[Any]] = []
    for r in rows:
        if len(out) >= MAX_ROWS + _TOP_ROWS:
            raise _too_big(f"超过 {MAX_ROWS:,} 行", f"more than {MAX_ROWS:,} rows", path)
        if r.count(None) == len(r):  # an empty row (openpyxl pads the rows a sheet skips): cheap
            out.append([])
            continue
        row = list(r)
        if len(row) > MAX_COLUMNS:
            if any(v not in (None, "") for v in row[MAX_COLUMNS:]):
                raise _too_big(f"超过 {MAX_COLUMNS} 列", f"more than {MAX_COLUMNS} columns", path)
            del row[MAX_COLUMNS:]
        out.append([_uninert(v) for v in row])
    while out and all(v in (None, "") for v in out[-1]):
        out.pop()
    return out



@dataclass
class Sheet:
    """One worksheet's cells (``name`` is None for a CSV file)."""

    name: str | None
    rows: list[list[Any]]
    hidden: bool = False  # a hidden worksheet: not imported unless asked for by name
    #: the sheet's hidden rows (1-based, as Excel numbers them): usually people the secretary hid on purpose
    #: (left, transferred); not imported unless asked for (``--include-hidden``)
    hidden_rows: frozenset[int] = frozenset()
    #: cells holding a formula whose result the file does not keep ((row, column) → formula, 1-based): read as empty
    uncomputed: dict[tuple[int, int], str] = field(default_factory=dict)


def damaged_workbook(path: Path) -> ImportError_:
    return ImportError_(
        f"Excel 文件 {path.name} 已损坏或不完整（可能下载或复制没有完成），无法读取，未导入任何内容。"
        "请在 Excel 或 WPS 中打开原表，另存为新的 .xlsx 后重新导入。",
        f"The Excel file {path.name} is damaged or incomplete (perhaps a download or copy did not finish); nothing was "
        "imported. Open the original in Excel or WPS, save it as a new .xlsx and import that.")


def _open_xlsx(path: Path) -> Any:
    from openpyxl import load_workbook

    _check_xlsx_size(path)
    try:
        if path.suffix.lower() in (".xlsx", ".xlsm"):
            return load_workbook(path, read_only=True, data_only=True)
        return load_workbook(io.BytesIO(path.read_bytes()), read_only=True, data_only=True)  # an .xlsx named .xls
    except Exception:  # openpyxl raises many kinds for a damaged file
        raise damaged_workbook(path) from None


def _sniff(path: Path) -> str:
    """What the file really is by its first bytes: "zip" (xlsx), "ole" (xls), "html", "utf16" or ""."""
    with path.open("rb") as fh:
        head = fh.read(512)
    if head.startswith(b"PK\x03\x04"):
        return "zip"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return "ole"
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf16"
    if head.lstrip().lower().startswith((b"<html", b"<!doctype", b"<?xml", b"<table", b"\xef\xbb\xbf<")):
        return "html"
    return ""


def _read_ws(ws: Any, path: Path) -> list[list[Any]]:
    extent = _sheet_extent(ws)
    if extent is not None and (extent[0] > MAX_ROWS + _TOP_ROWS or extent[1] > MAX_COLUMNS):
        raise _too_big(f"工作表声明了 {extent[0]:,} 行 × {extent[1]:,} 列",
                       f"the sheet declares {extent[0]:,} rows × {extent[1]:,} columns", path)
    # bounded even when the sheet declares no size (or a false one): openpyxl pads the rows it skips
    return _bounded(ws.iter_rows(max_row=MAX_ROWS + _TOP_ROWS + 1, max_col=MAX_COLUMNS + 1, values_only=True), path)


def _with_formulas(ws: Any, path: Path) -> Sheet:
    """A worksheet read, with a ``HYPERLINK("…", "张三")`` cell whose result was not kept read as 张三."""
    rows = _read_ws(ws, path)
    hidden, formulas = row_marks(ws)
    uncomputed: dict[tuple[int, int], str] = {}
    for (r, c), formula in formulas.items():
        text = hyperlink_text(formula)
        if text is not None and r <= len(rows):
            row = rows[r - 1]
            row.extend([None] * (c - len(row)))
            if row[c - 1] in (None, ""):
                row[c - 1] = text
                continue
        uncomputed[(r, c)] = formula
    return Sheet(str(ws.title), rows, hidden=ws.sheet_state != "visible", hidden_rows=hidden, uncomputed=uncomputed)


def read_sheets(path: Path, sheet: str | None = None) -> list[Sheet]:
    """Every worksheet of a workbook (or only ``sheet``); a CSV file is one sheet without a name."""
    suffix = path.suffix.lower()
    if not path.exists():
        raise ImportError_(f"找不到文件：{path}", f"File not found: {path}")
    kind = _sniff(path) if path.is_file() else ""
    if kind == "html" and suffix in (".xls", ".xlsx", ".csv"):
        raise ImportError_(f"{path.name} 其实是网页文件（很多系统导出的“Excel”是网页），无法直接导入。"
                           "请在 Excel 或 WPS 中打开它，另存为 .xlsx 后重新导入。",
                           f"{path.name} is really a web page (many systems export 'Excel' as HTML). Open it in Excel or "
                           "WPS, save it as .xlsx and import that.")
    if suffix in (".xlsx", ".xlsm") or (suffix == ".xls" and kind == "zip"):  # an .xlsx renamed .xls: read it
        wb = _open_xlsx(path)
        try:
            if sheet is not None and sheet not in wb.sheetnames:
                raise ImportError_(f"没有名为“{sheet}”的工作表；有：{'、'.join(wb.sheetnames)}",
                                   f"No sheet named '{sheet}'; the workbook has: {', '.join(wb.sheetnames)}")
            chosen = [wb[sheet]] if sheet else list(wb.worksheets)
            if not chosen:
                raise damaged_workbook(path)
            try:
                sheets = [_with_formulas(ws, path) for ws in chosen]
            except ImportError_:
                raise
            except Exception:  # a sheet's XML cut off, a part missing: openpyxl raises what its parser raises
                raise damaged_workbook(path) from None
            return _legible(sheets, path)
        finally:
            wb.close()
    if suffix == ".xls":
        if kind != "ole":
            raise ImportError_(f"{path.name} 不是 Excel 97–2003 文件（扩展名与内容不符），无法读取。"
                               "请在 Excel 或 WPS 中打开它，另存为 .xlsx 后重新导入。",
                               f"{path.name} is not an Excel 97–2003 file (the extension does not match the content). "
                               "Open it in Excel or WPS, save it as .xlsx and import that.")
        return _read_xls(path, sheet)
    if suffix in (".csv", ".txt"):
        if path.stat().st_size > MAX_EXPANDED_BYTES:
            raise _too_big(f"{path.stat().st_size / 2**20:,.0f} MB", f"{path.stat().st_size / 2**20:,.0f} MB", path)
        raw = path.read_bytes()
        if kind == "utf16":  # Excel's "Unicode text": UTF-16, tab-separated
            try:
                text = raw.decode("utf-16")
            except UnicodeDecodeError:
                raise ImportError_("文件编码无法识别（UTF-16 文本已损坏），未导入。请在 Excel 中另存为 .xlsx 后重新导入。",
                                   "The file's encoding cannot be read (damaged UTF-16 text); nothing was imported. "
                                   "Save it as .xlsx in Excel and import that.") from None
            delimiter = "\t" if text.split("\n", 1)[0].count("\t") else ","
            return [Sheet(None, _bounded(csv.reader(io.StringIO(text), delimiter=delimiter), path))]
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                text = raw.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:
            raise ImportError_("无法识别文件编码（既不是 UTF-8 也不是 GBK），未导入。请在 Excel 或 WPS 中打开原表，"
                               "另存为“Excel 工作簿（.xlsx）”或“CSV UTF-8”后重新导入。",
                               "Cannot tell the file's encoding (neither UTF-8 nor GBK); nothing was imported. Open the "
                               "original in Excel or WPS, save it as .xlsx or 'CSV UTF-8' and import that.")
        if (why := diagnose([text], raw)) is not None:
            raise ImportError_(*why)
        return [Sheet(None, _bounded(csv.reader(io.StringIO(text)), path))]
    raise ImportError_(f"不支持的文件类型 {suffix}：请用 .xlsx、.xls、.csv 或本程序导出的 .json。",
                       f"Unsupported file type {suffix}: use .xlsx, .xls, .csv or a .json backup from this program.")


def _read_xls(path: Path, sheet: str | None) -> list[Sheet]:
    """An old Excel 97–2003 workbook, read with python-calamine (a maintained Rust reader, also fast on
    large files; xlrd reads .xls too but is in maintenance only). Dates come back as dates."""
    from python_calamine import CalamineWorkbook

    if path.stat().st_size > MAX_EXPANDED_BYTES:
        raise _too_big(f"{path.stat().st_size / 2**20:,.0f} MB", f"{path.stat().st_size / 2**20:,.0f} MB", path)
    try:
        wb = CalamineWorkbook.from_path(str(path))
    except Exception:  # calamine reports a damaged or foreign file with its own error types
        raise damaged_workbook(path) from None
    names = list(wb.sheet_names)
    if sheet is not None and sheet not in names:
        raise ImportError_(f"没有名为“{sheet}”的工作表；有：{'、'.join(names)}",
                           f"No sheet named '{sheet}'; the workbook has: {', '.join(names)}")
    out = []
    visible = {m.name: str(getattr(m, "visible", "")).lower().endswith("visible") for m in wb.sheets_metadata} \
        if hasattr(wb, "sheets_metadata") else {}
    for name in [sheet] if sheet else names:
        try:
            rows = wb.get_sheet_by_name(name).to_python(skip_empty_area=False)
        except Exception:
            raise damaged_workbook(path) from None
        out.append(Sheet(str(name), _bounded([[None if v == "" else v for v in row] for row in rows], path),
                         hidden=not visible.get(name, True)))
    return _legible(out, path)


def _legible(sheets: list[Sheet], path: Path) -> list[Sheet]:
    """The sheets, unless most of their rows are garbled (乱码): then nothing is imported, and the message names
    where. A few garbled rows are left to the import, which makes each an error row."""
    rows = [(s.name, i, row) for s in sheets for i, row in enumerate(s.rows, 1) if row]
    bad = [(name, i) for name, i, row in rows if row_garbled(row)]
    flagged = set(bad)  # the rest, read together: mojibake spread thinly over every row
    whole = diagnose(v for name, i, row in rows if (name, i) not in flagged for v in row if isinstance(v, str))
    if whole is None and len(bad) * 2 <= len(rows):
        return sheets
    where = "、".join(f"{name or ''}第{i}行" for name, i in bad[:3]) or "多处"
    where_en = ", ".join(f"{name + ' ' if name else ''}row {i}" for name, i in bad[:3]) or "many places"
    raise ImportError_(f"工作簿 {path.name} 中的中文是乱码（{where}），未导入任何内容。请找到未损坏的原表，"
                       "或在 Excel/WPS 中改正这些单元格后重新导入。",
                       f"The Chinese in {path.name} is garbled ({where_en}); nothing was imported. Find an undamaged "
                       "original, or correct those cells in Excel/WPS, and import again.")


def row_garbled(row: Sequence[Any]) -> bool:
    """A row whose text is garbled (锟斤拷, kana and box drawing, mojibake that reads back as UTF-8)."""
    return is_garbled(" ".join(v for v in row if isinstance(v, str)))


def read_table(path: Path, sheet: str | None = None) -> list[list[Any]]:
    """The first worksheet (or ``sheet``), or the CSV file."""
    if path.suffix.lower() in (".xlsx", ".xlsm") and sheet is None and path.exists():
        wb = _open_xlsx(path)
        try:
            return _read_ws(wb.worksheets[0], path)
        finally:
            wb.close()
    return read_sheets(path, sheet)[0].rows


# ------------------------------------------------------------------ the header

@dataclass
class Header:
    """Where the header is (``first``..``last`` rows, 0-based; two rows when a group row sits above), which
    column holds which field, and the columns not used (header text → (zh, en) why)."""

    first: int
    last: int
    mapping: dict[int, str]
    texts: dict[int, str]
    unused: dict[str, tuple[str, str]]


def _header_texts(row: list[Any]) -> dict[int, str]:
    return {j: str(v).strip() for j, v in enumerate(row) if v is not None and str(v).strip()}


def _mapped(texts: dict[int, str]) -> dict[int, str]:
    return {j: LOOKUP[norm_header(t)] for j, t in texts.items() if norm_header(t) in LOOKUP}


def _combined(upper: list[Any], lower: list[Any]) -> dict[int, str]:
    """Two header rows read as one: the lower row's text where it has one, else the upper's (a group cell
    merged over several columns, or a cell merged down over both rows)."""
    return {**_header_texts(upper), **_header_texts(lower)}


def find_header(rows: list[list[Any]]) -> Header:
    """The header (title rows above it are common; a second row below a group row too)."""
    for i, row in enumerate(rows[:30]):
        texts = _header_texts(row)
        mapping = _mapped(texts)
        if "name" not in mapping.values() or len(mapping) < 2:
            continue
        first, last = i, i
        for a, b in ((i, i + 1), (i - 1, i)):  # the group row above, or the detail row below
            if a < 0 or b >= len(rows):
                continue
            both = _combined(rows[a], rows[b])
            if len(_mapped(both)) > len(mapping) and (b == i or "name" not in _mapped(_header_texts(rows[b])).values()):
                texts, mapping, first, last = both, _mapped(both), a, b
                break
        unused = {t: UNUSED_LOOKUP.get(norm_header(t), UNKNOWN_COLUMN) for j, t in texts.items() if j not in mapping}
        return Header(first, last, mapping, texts, unused)
    raise ImportError_("找不到表头：前30行中没有含“姓名”的表头行。",
                       "No header row found: none of the first 30 rows has a '姓名' (name) column.")


# ------------------------------------------------------------------ rows that are not people

#: how the lines below (or inside) a roster begin: never a person
_FOOTER_MARKS = ("填报", "报送", "填表人", "审核人", "合计", "总计", "小计", "签字", "签名", "制表", "盖章",
                 "以下空白", "以下无", "此页无", "unit(seal)", "preparedby", "total")
_FOOTER_RE = re.compile(r"^(共\d+人|共计\d+人|\d+人$)|签字|（盖章）|\(盖章\)|^(联系人|联系电话|电话|负责人)[:：]")


def footer_text(value: Any) -> bool:
    """Whether a cell's text is a roster's own line (合计, 共N人, 填表人：…, 审核人（签字）…), not data."""
    text = "".join(str(value or "").split()).lower()
    return bool(text) and (text.startswith(_FOOTER_MARKS) or bool(_FOOTER_RE.search(text)))


def footer_row(row: list[Any]) -> bool:
    """Whether any cell of the row is such a line (a row without a real name that has one is skipped)."""
    return any(isinstance(v, str) and footer_text(v) for v in row)


# ------------------------------------------------------------------ cells


def clean_name(value: Any) -> tuple[str, str | None]:
    """A name without the spaces added to align it (张　三 → 张三); the original when it changed."""
    raw = str(value or "")
    name = unspaced_name(raw)
    return name, (raw if name != raw.strip() else None)


def _excel_serial(value: float) -> date:
    from openpyxl.utils.datetime import from_excel

    got = from_excel(value)
    return got.date() if isinstance(got, datetime) else got


#: Excel serial numbers read as dates: 1920-01-01 to 2099-12-31 (a stray 1 is not 1900-01-01)
SERIAL_FROM, SERIAL_TO = 7306, 73051


@dataclass
class CellDate:
    value: date
    month_only: bool = False
    ambiguous: bool = False  # a year-month typed as a number ending in .1: January or October


#: what people write in a date cell that has no date: the cell is empty
EMPTY_WORDS = frozenset({"/", "／", "\\", "-", "—", "——", "－", "无", "暂无", "未", "否", "空", "未列入", "未确定", "待定",
                         "n/a", "na", "none", "nil", "x", "×"})


def cell_date(value: Any, field_name: str, notes: list[tuple[str, str]], say_month: bool = True) -> CellDate | None:
    """A date cell as spreadsheets leave it: a real date, an Excel serial number (45000), text (2023.5.6,
    2023/5/6, 2023年5月, 20230506), or a year-month typed as number (1998.10 kept as 1998.1). A dash, 无 or
    未列入 is no date."""
    if value is None or (isinstance(value, str) and ("".join(value.split()).lower() in EMPTY_WORDS or not value.strip())):
        return None
    if isinstance(value, datetime):
        return CellDate(value.date())
    if isinstance(value, date):
        return CellDate(value)
    head, head_en = HEAD_ZH.get(field_name, field_name), field_name
    if isinstance(value, int | float) and not isinstance(value, bool):
        whole = float(value).is_integer()
        if SERIAL_FROM <= value < SERIAL_TO and not 1900 <= value < 2201 and not (whole and len(str(int(value))) in (6, 8)):
            when = _excel_serial(float(value))  # a date cell whose format was lost (a time of day is dropped)
            notes.append((f"{head}是 Excel 日期序号（{value:g}），按 {when} 计",
                          f"{head_en} is an Excel date serial ({value:g}); taken as {when}"))
            return CellDate(when)
        if not float(value).is_integer() and 1900 <= value < 2201:
            text = repr(float(value))
            if text.endswith(".1"):
                year = int(value)
                if field_name == "birth":  # birth_with_id says it, with the ID number's month when there is one
                    return CellDate(date(year, 10, 1), month_only=True, ambiguous=True)
                notes.append((f"{head}“{text}”是数字：可能是{year}年1月，也可能是{year}年10月（末尾的0被表格去掉），"
                               "按10月计，请核对",
                               f"{head_en} '{text}' is a number: January or October {year} (the spreadsheet drops a "
                               "trailing 0); taken as October, please check"))
                return CellDate(date(year, 10, 1), month_only=True, ambiguous=True)
    text = str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)
    try:
        parsed = parse_date_ex(text, allow_month=True)
    except DateError as exc:
        raise InputError(exc.zh, exc.en, field_name) from None
    if parsed.month_only and field_name != "birth" and say_month:
        notes.append((f"{head}只有年月（{text}），按 {parsed.value} 计",
                      f"{head_en} gives only a month ({text}); taken as {parsed.value}"))
    return CellDate(parsed.value, month_only=parsed.month_only)


def birth_with_id(birth: CellDate, id_number: str | None, notes: list[tuple[str, str]]) -> date:
    """A birth given as year-month compared with the ID number's at month precision: the ID's full date when
    they agree (an ambiguous .1 month agrees with the ID's January or October)."""
    text = f"{birth.value.year}.{birth.value.month:02d}"
    if not birth.month_only:
        return birth.value
    if id_number:
        try:
            from_id = birth_from_id(id_number)
        except ValueError:
            from_id = None
        if from_id is not None and from_id.year == birth.value.year and (
                from_id.month == birth.value.month or (birth.ambiguous and from_id.month in (1, 10))):
            if birth.ambiguous:
                notes.append((f"出生年月“{birth.value.year}.1”是数字（1月或10月），按身份证号中的出生日期 {from_id} 计",
                              f"birth '{birth.value.year}.1' is a number (January or October); taken from the ID "
                              f"number: {from_id}"))
            return from_id
    if birth.ambiguous:
        year = birth.value.year
        notes.append((f"出生年月“{year}.1”是数字：可能是{year}年1月，也可能是{year}年10月（末尾的0被表格去掉），"
                      "按10月计，请核对",
                      f"birth '{year}.1' is a number: January or October {year} (the spreadsheet drops a trailing 0); "
                      "taken as October, please check"))
    else:
        notes.append((f"出生年月只有年月（{text}），按 {birth.value} 计",
                      f"birth gives only a month ({text}); taken as {birth.value}"))
    return birth.value


_SCIENTIFIC = re.compile(r"^\d(\.\d+)?e\+?\d+$", re.IGNORECASE)


def damaged_id(value: Any) -> bool:
    """An ID number a spreadsheet has turned into a number: a float or integer cell (Excel keeps 15 digits,
    so the last ones become 000), ``1.10101E+17`` as text, or 18 digits ending in 000 that fail the check."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return True
    text = "".join(str(value or "").split())
    if _SCIENTIFIC.match(text):
        return True
    if re.fullmatch(r"\d{15,18}", text) and text.endswith("000"):
        from .inputs import id_check_char

        return len(text) != 18 or id_check_char(text[:17]) != text[17]
    return False


DAMAGED_ID_NOTE = ("身份证号已被表格软件改成数字（显示为科学计数法或末尾变成000），无法还原，未导入该项；请在表格中把该列设为文本后重新填写",
                   "the ID number was damaged by the spreadsheet (turned into a number: scientific notation or "
                   "trailing 000) and cannot be recovered; not imported — format the column as text and retype it")
