"""Text formatting rules of the Telegram Bot API, as the server applies them.

Parses ``parse_mode`` text (HTML, MarkdownV2, legacy Markdown) into plain text plus
``MessageEntity`` dicts with UTF-16 offsets, raising :class:`EntityParseError` with the messages
Telegram's server (tdlib's ``MessageEntity.cpp``) uses, e.g.
``Unsupported start tag "br" at byte offset 5``. The Bot API prefixes them with
``Bad Request: can't parse entities: ``.

Strictness: Telegram's documentation says every ``<``, ``>`` and ``&`` that is not part of a tag
or an entity *must* be escaped; the real server only rejects ``<`` and silently keeps a stray
``>`` or ``&``. With ``strict=True`` (the emulator's default) those are rejected too, so that a
missing ``html.escape`` is caught even for text that happens to contain no ``<``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

Entity = dict[str, Any]

HTML_TAGS = frozenset(
    {
        "b",
        "strong",
        "i",
        "em",
        "u",
        "ins",
        "s",
        "strike",
        "del",
        "span",
        "tg-spoiler",
        "a",
        "code",
        "pre",
        "blockquote",
        "tg-emoji",
    }
)
_TAG_ENTITY = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "span": "spoiler",
    "tg-spoiler": "spoiler",
    "a": "text_link",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
}
_NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}


class EntityParseError(ValueError):
    """The text could not be parsed; ``str(error)`` is Telegram's own wording."""


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _byte_offset(text: str, index: int) -> int:
    return len(text[:index].encode("utf-8"))


@dataclass
class _Open:
    tag: str
    start: int  # UTF-16 offset in the result
    byte_pos: int
    attribute: str = ""
    flag: bool = False


def _decode_entity(text: str, i: int) -> tuple[str, int] | None:
    """Decodes ``&name;`` / ``&#N;`` / ``&#xN;`` at ``i``, as tdlib's ``decode_html_entity``."""
    end = text.find(";", i + 1, i + 12)
    if end < 0:
        return None
    body = text[i + 1 : end]
    if body in _NAMED_ENTITIES:
        return _NAMED_ENTITIES[body], end + 1 - i
    match = re.fullmatch(r"#(?:([0-9]{1,7})|[xX]([0-9a-fA-F]{1,6}))", body)
    if not match:
        return None
    code = int(match.group(1)) if match.group(1) else int(match.group(2), 16)
    if code == 0 or code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
        return None
    return chr(code), end + 1 - i


def _read_attributes(text: str, i: int, tag: str, begin: int) -> tuple[dict[str, str], int]:
    """Reads attributes up to and including ``>``; returns them and the index after ``>``."""
    attributes: dict[str, str] = {}
    n = len(text)
    while True:
        while i < n and text[i].isspace():
            i += 1
        if i >= n:
            raise EntityParseError(f"Unclosed start tag at byte offset {_byte_offset(text, begin)}")
        if text[i] == ">":
            return attributes, i + 1
        name_start = i
        while i < n and (text[i].isalnum() or text[i] in "-_"):
            i += 1
        name = text[name_start:i].lower()
        if not name:
            raise EntityParseError(
                f'Empty attribute name in the tag "{tag}" at byte offset {_byte_offset(text, begin)}'
            )
        while i < n and text[i].isspace():
            i += 1
        if i < n and text[i] != "=":
            attributes[name] = ""  # a bare attribute such as <blockquote expandable>
            continue
        if i >= n:
            raise EntityParseError(f"Unclosed start tag at byte offset {_byte_offset(text, begin)}")
        i += 1
        while i < n and text[i].isspace():
            i += 1
        if i >= n:
            raise EntityParseError(f"Unclosed start tag at byte offset {_byte_offset(text, begin)}")
        if text[i] in "\"'":
            quote = text[i]
            end = text.find(quote, i + 1)
            if end < 0:
                raise EntityParseError(f"Unclosed start tag at byte offset {_byte_offset(text, begin)}")
            raw = text[i + 1 : end]
            i = end + 1
        else:
            start = i
            while i < n and not text[i].isspace() and text[i] != ">":
                i += 1
            raw = text[start:i]
        attributes[name] = _unescape_attribute(raw)


def _unescape_attribute(raw: str) -> str:
    out: list[str] = []
    i = 0
    while i < len(raw):
        if raw[i] == "&":
            decoded = _decode_entity(raw, i)
            if decoded:
                out.append(decoded[0])
                i += decoded[1]
                continue
        out.append(raw[i])
        i += 1
    return "".join(out)


def parse_html(text: str, *, strict: bool = True) -> tuple[str, list[Entity]]:
    """Telegram's HTML parse mode. Returns (plain text, entities)."""
    out: list[str] = []
    offset = 0  # UTF-16 length of ``out``
    stack: list[_Open] = []
    entities: list[Entity] = []
    n = len(text)
    i = 0
    while i < n:
        c = text[i]
        if c == "&":
            decoded = _decode_entity(text, i)
            if decoded:
                out.append(decoded[0])
                offset += utf16_len(decoded[0])
                i += decoded[1]
                continue
            if strict:
                raise EntityParseError(
                    f'Unescaped "&" at byte offset {_byte_offset(text, i)}: Telegram requires "&amp;" '
                    "(the emulator's strict mode; the real server keeps it as text)"
                )
        if c == ">" and strict:
            raise EntityParseError(
                f'Unescaped ">" at byte offset {_byte_offset(text, i)}: Telegram requires "&gt;" '
                "(the emulator's strict mode; the real server keeps it as text)"
            )
        if c != "<":
            out.append(c)
            offset += utf16_len(c)
            i += 1
            continue
        begin = i
        i += 1
        if i < n and text[i] != "/":
            name_start = i
            while i < n and not text[i].isspace() and text[i] != ">":
                i += 1
            tag = text[name_start:i].lower()
            if i >= n:
                raise EntityParseError(f"Unclosed start tag at byte offset {_byte_offset(text, begin)}")
            if tag not in HTML_TAGS:
                raise EntityParseError(
                    f'Unsupported start tag "{tag}" at byte offset {_byte_offset(text, begin)}'
                )
            attributes, i = _read_attributes(text, i, tag, begin)
            opened = _Open(tag, offset, _byte_offset(text, begin))
            if tag == "a":
                opened.attribute = attributes.get("href", "")
            elif tag == "span":
                if attributes.get("class") != "tg-spoiler":
                    raise EntityParseError('Tag "span" must have class "tg-spoiler"')
            elif tag == "code":
                css = attributes.get("class", "")
                opened.attribute = css[len("language-") :] if css.startswith("language-") else ""
            elif tag == "tg-emoji":
                emoji_id = attributes.get("emoji-id", "")
                if not emoji_id.isdigit():
                    raise EntityParseError('Expected custom emoji identifier in the tag "tg-emoji"')
                opened.attribute = emoji_id
            elif tag == "blockquote":
                opened.flag = "expandable" in attributes
            stack.append(opened)
            continue
        # an end tag
        i += 1
        name_start = i
        while i < n and (text[i].isalnum() or text[i] == "-"):
            i += 1
        tag = text[name_start:i].lower()
        while i < n and text[i].isspace():
            i += 1
        if i >= n or text[i] != ">":
            raise EntityParseError(f"Unclosed end tag at byte offset {_byte_offset(text, begin)}")
        i += 1
        if not stack:
            raise EntityParseError(f"Unexpected end tag at byte offset {_byte_offset(text, begin)}")
        top = stack[-1]
        if tag != top.tag:
            raise EntityParseError(
                f'Unmatched end tag at byte offset {_byte_offset(text, begin)}, expected "</{top.tag}>", '
                f'found "</{tag}>"'
            )
        stack.pop()
        length = offset - top.start
        if length <= 0:
            continue
        entity: Entity = {"offset": top.start, "length": length, "type": _TAG_ENTITY[top.tag]}
        if top.tag == "a":
            if not top.attribute:
                continue
            entity["url"] = top.attribute
        elif top.tag == "code" and top.attribute:
            # <pre><code class="language-x">: the language goes to the enclosing pre entity
            if stack and stack[-1].tag == "pre":
                stack[-1].attribute = top.attribute
                continue
        elif top.tag == "pre" and top.attribute:
            entity["language"] = top.attribute
        elif top.tag == "tg-emoji":
            entity["custom_emoji_id"] = top.attribute
        elif top.tag == "blockquote" and top.flag:
            entity["type"] = "expandable_blockquote"
        entities.append(entity)
    if stack:
        raise EntityParseError(f'Can\'t find end tag corresponding to start tag "{stack[-1].tag}"')
    return "".join(out), sort_entities(entities)


MARKDOWN_V2_RESERVED = "_*[]()~`>#+-=|{}.!"
_V2_NAMES = {
    "bold": "Bold",
    "italic": "Italic",
    "underline": "Underline",
    "strikethrough": "Strikethrough",
    "spoiler": "Spoiler",
    "code": "Code",
    "pre": "Pre",
    "text_link": "TextUrl",
}


def parse_markdown_v2(text: str) -> tuple[str, list[Entity]]:
    """Telegram's MarkdownV2 parse mode (bold, italic, underline, strike, spoiler, code, pre, links,
    line-start blockquotes) with its escaping rule for reserved characters."""
    out: list[str] = []
    offset = 0
    stack: list[_Open] = []
    entities: list[Entity] = []
    quote_start: int | None = None
    n = len(text)
    i = 0

    def emit(chars: str) -> None:
        nonlocal offset
        out.append(chars)
        offset += utf16_len(chars)

    def close(top: _Open) -> None:
        if offset > top.start:
            entity: Entity = {"offset": top.start, "length": offset - top.start, "type": top.tag}
            if top.tag == "pre" and top.attribute:
                entity["language"] = top.attribute
            entities.append(entity)

    while i < n:
        c = text[i]
        at_line_start = i == 0 or text[i - 1] == "\n"
        in_code = bool(stack) and stack[-1].tag in ("code", "pre")
        if c == "\\" and i + 1 < n and 0 < ord(text[i + 1]) <= 126:
            emit(text[i + 1])
            i += 2
            continue
        if c == "\n" and quote_start is not None and not text.startswith(">", i + 1):
            entities.append({"offset": quote_start, "length": offset - quote_start, "type": "blockquote"})
            quote_start = None
        if in_code:
            top = stack[-1]
            if top.tag == "pre" and text.startswith("```", i):
                stack.pop()
                close(top)
                i += 3
            elif top.tag == "code" and c == "`":
                stack.pop()
                close(top)
                i += 1
            else:
                emit(c)
                i += 1
            continue
        if c not in MARKDOWN_V2_RESERVED:
            emit(c)
            i += 1
            continue
        top_tag = stack[-1].tag if stack else ""
        if c == ">" and at_line_start and not stack:
            if quote_start is None:
                quote_start = offset
            i += 1
            continue
        if c == "]" and top_tag == "text_link":
            top = stack.pop()
            if not text.startswith("(", i + 1):
                raise EntityParseError(f"Can't find end of TextUrl entity at byte offset {top.byte_pos}")
            end = i + 2
            url_chars: list[str] = []
            while end < n and text[end] != ")":
                if text[end] == "\\" and end + 1 < n:
                    end += 1
                url_chars.append(text[end])
                end += 1
            if end >= n:
                raise EntityParseError(f"Can't find end of a url at byte offset {_byte_offset(text, i + 1)}")
            if offset > top.start:
                url = "".join(url_chars)
                entities.append(
                    {"offset": top.start, "length": offset - top.start, "type": "text_link", "url": url}
                )
            i = end + 1
            continue
        marker_tag = ""
        width = 1
        if c == "*":
            marker_tag = "bold"
        elif c == "_":
            if top_tag == "underline" and text.startswith("__", i):
                marker_tag, width = "underline", 2
            elif top_tag == "italic":
                marker_tag = "italic"
            elif text.startswith("__", i):
                marker_tag, width = "underline", 2
            else:
                marker_tag = "italic"
        elif c == "~":
            marker_tag = "strikethrough"
        elif c == "|" and text.startswith("||", i):
            marker_tag, width = "spoiler", 2
        elif c == "`":
            if text.startswith("```", i):
                marker_tag, width = "pre", 3
            else:
                marker_tag = "code"
        elif c == "[":
            marker_tag = "text_link"
        if not marker_tag:
            raise EntityParseError(f"Character '{c}' is reserved and must be escaped with the preceding '\\'")
        if stack and stack[-1].tag == marker_tag and marker_tag != "text_link":
            close(stack.pop())
            i += width
            continue
        opened = _Open(marker_tag, offset, _byte_offset(text, i))
        i += width
        if marker_tag == "pre":
            line_end = text.find("\n", i)
            if line_end > i and re.fullmatch(r"[A-Za-z0-9_+#.-]+", text[i:line_end]):
                opened.attribute = text[i:line_end]
                i = line_end + 1
        stack.append(opened)
    if stack:
        top = stack[-1]
        raise EntityParseError(f"Can't find end of {_V2_NAMES[top.tag]} entity at byte offset {top.byte_pos}")
    if quote_start is not None and offset > quote_start:
        entities.append({"offset": quote_start, "length": offset - quote_start, "type": "blockquote"})
    return "".join(out), sort_entities(entities)


def parse_markdown(text: str) -> tuple[str, list[Entity]]:
    """Telegram's legacy Markdown parse mode: *bold*, _italic_, `code`, ```pre```, [text](url)."""
    out: list[str] = []
    offset = 0
    entities: list[Entity] = []
    n = len(text)
    i = 0
    while i < n:
        c = text[i]
        if c == "\\" and i + 1 < n and text[i + 1] in "_*`[":
            out.append(text[i + 1])
            offset += 1
            i += 2
            continue
        if c not in "_*`[":
            out.append(c)
            offset += utf16_len(c)
            i += 1
            continue
        begin = _byte_offset(text, i)
        if c == "[":
            close = text.find("](", i + 1)
            end = text.find(")", close + 2) if close >= 0 else -1
            if close < 0 or end < 0:
                raise EntityParseError(f"Can't find end of the entity starting at byte offset {begin}")
            label = text[i + 1 : close]
            if label:
                length = utf16_len(label)
                entities.append(
                    {"offset": offset, "length": length, "type": "text_link", "url": text[close + 2 : end]}
                )
                out.append(label)
                offset += length
            i = end + 1
            continue
        marker = "```" if text.startswith("```", i) else c
        end = text.find(marker, i + len(marker))
        if end < 0:
            raise EntityParseError(f"Can't find end of the entity starting at byte offset {begin}")
        inner = text[i + len(marker) : end]
        kind = {"*": "bold", "_": "italic", "`": "code", "```": "pre"}[marker]
        if inner:
            length = utf16_len(inner)
            entities.append({"offset": offset, "length": length, "type": kind})
            out.append(inner)
            offset += length
        i = end + len(marker)
    return "".join(out), sort_entities(entities)


def sort_entities(entities: list[Entity]) -> list[Entity]:
    return sorted(entities, key=lambda e: (e["offset"], -e["length"], e["type"]))


_AUTO_PATTERNS = (
    ("bot_command", re.compile(r"(?<![\w/@])/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?(?![\w/])")),
    ("url", re.compile(r"\b(?:https?|tg)://[^\s<>\"]+[^\s<>\".,;:!?)\]]")),
    ("mention", re.compile(r"(?<![\w@])@[A-Za-z0-9_]{5,32}\b")),
    ("hashtag", re.compile(r"(?<![\w#])#\w*[^\W\d]\w*")),
)


def detect_entities(text: str, explicit: list[Entity]) -> list[Entity]:
    """Adds the entities Telegram detects by itself (commands, URLs, mentions, hashtags) that do not
    overlap the explicit ones."""
    found = list(explicit)
    taken = [(e["offset"], e["offset"] + e["length"]) for e in explicit]
    for kind, pattern in _AUTO_PATTERNS:
        for match in pattern.finditer(text):
            start = utf16_len(text[: match.start()])
            end = start + utf16_len(match.group(0))
            if any(start < t_end and t_start < end for t_start, t_end in taken):
                continue
            taken.append((start, end))
            found.append({"offset": start, "length": end - start, "type": kind})
    return sort_entities(found)


def strip_text(text: str, entities: list[Entity]) -> tuple[str, list[Entity]]:
    """Telegram removes leading and trailing white space after parsing and shifts the entities."""
    stripped = text.strip()
    if stripped == text:
        return text, entities
    lead = utf16_len(text[: len(text) - len(text.lstrip())])
    total = utf16_len(stripped)
    kept: list[Entity] = []
    for entity in entities:
        start = max(entity["offset"] - lead, 0)
        end = min(entity["offset"] + entity["length"] - lead, total)
        if end > start:
            kept.append({**entity, "offset": start, "length": end - start})
    return stripped, kept


def parse_text(text: str, parse_mode: str | None, *, strict: bool = True) -> tuple[str, list[Entity]]:
    """Parses ``text`` for ``parse_mode`` (case-insensitive, as Telegram)."""
    mode = (parse_mode or "").lower()
    if not mode:
        return text, []
    if mode == "html":
        return parse_html(text, strict=strict)
    if mode == "markdownv2":
        return parse_markdown_v2(text)
    if mode == "markdown":
        return parse_markdown(text)
    raise EntityParseError(f'Unsupported parse_mode "{parse_mode}"')
