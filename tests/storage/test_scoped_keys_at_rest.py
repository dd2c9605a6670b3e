"""What a stolen database links (issue 10, acceptance 1), on SQLite and PostgreSQL.

One member posts in three communities, replies in three threads, reacts, reports, chooses a language and
a topic; then every table is read as an attacker with the file would, and no key-like value (hex, base64 or
bytes, 16 bytes or more) may appear in rows of two different secrets, threads or communities, nor may a
person-wide value (a preference key, an own-list locator) appear next to any content.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections import defaultdict
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from bot.actions import (
    ChooseCommunity,
    ChooseLanguage,
    Post,
    React,
    ReplyLink,
    Report,
    ReportLink,
    ToggleNotices,
    ToggleSubscription,
)
from bot.actor import Actor
from bot.anonymity import Anonymizer, Sealer
from bot.dispatch import Dispatcher
from bot.messages import EditPressed, Response, Say
from bot.model import CommunitySettings, PicturePolicy, Reaction, ReportReason, Token
from bot.service import Murmure
from storage.database import SqlDatabase
from tests.fakes import FakeDirectory, FakeMessenger, KeywordFilter
from tests.pictures.photos import jpeg_with_gps
from tests.support import FixedClock

PLATFORM = "test"
MEMBER = "8675309123"  # the member followed through the scenario (a raw id: must never be stored)
OTHERS = ("o1", "o2", "o3", "o4", "o5")
MINE = (
    "I still sleep with the teddy bear my grandmother gave me.",
    "Nobody at work knows that I never finished university.",
    "I taught myself to juggle during every boring meeting this year.",
)
THEIRS = (
    "Our neighbours' cat visits every evening and I feed it tuna.",
    "I have pretended to like jazz for three whole years now.",
    "The cake I brought to the party came from a shop, not my oven.",
)
GROUPS = ("ga", "gb", "gc")
ESTABLISHED = datetime(2020, 1, 1, tzinfo=UTC)

HEX = re.compile(r"[0-9a-fA-F]{32,}")
BASE64 = re.compile(r"[A-Za-z0-9+/_-]{22,}={0,2}")
Scope = tuple[str, object]


def key_like(value: object) -> Iterator[bytes]:
    """Every value in a cell that looks like a key, a tag or a blob, as bytes (so hex and raw compare)."""
    if isinstance(value, bytes | bytearray | memoryview):
        if len(bytes(value)) >= 16:
            yield bytes(value)
    elif isinstance(value, dict | list):
        for inner in value.values() if isinstance(value, dict) else value:
            yield from key_like(inner)
    elif isinstance(value, str):
        if value.startswith(("{", "[")):
            try:
                yield from key_like(json.loads(value))
                return
            except ValueError:
                pass
        for run in HEX.findall(value):
            yield bytes.fromhex(run[: len(run) // 2 * 2])
        for run in BASE64.findall(value):
            if HEX.fullmatch(run.rstrip("=")):
                continue
            try:
                decoded = base64.b64decode(
                    run + "=" * (-len(run) % 4), altchars=b"-_" if "-" in run or "_" in run else None
                )
            except (binascii.Error, ValueError):
                continue
            if len(decoded) >= 16:
                yield decoded


def _ints(payload: Any, name: str) -> list[int]:
    value = payload.get(name) if isinstance(payload, dict) else None
    if isinstance(value, int):
        return [value]
    if isinstance(value, list):
        return [v for v in value if isinstance(v, int)]
    return []


def scopes_of(
    table: str, row: dict[str, Any], community_of: dict[int, int], reply_secret: dict[int, int]
) -> set[Scope]:
    """The secrets (threads are secrets' replies) and communities a row belongs to; empty: the person's."""
    secrets: list[int] = []
    communities: list[int] = []
    if table == "secrets":
        secrets.append(row["id"])
    elif table == "communities":
        communities.append(row["id"])
    elif table == "outbox":
        payload = row["payload"] if isinstance(row["payload"], dict) else json.loads(row["payload"])
        secrets += _ints(payload, "secret_id") + _ints(payload, "secret_ids")
        secrets += [reply_secret[r] for r in _ints(payload, "reply_id") if r in reply_secret]
        communities += _ints(payload, "community_id")
    if row.get("secret_id") is not None:
        secrets.append(row["secret_id"])
    if row.get("community_id") is not None:
        communities.append(row["community_id"])
    communities += [community_of[s] for s in secrets if s in community_of]
    return {("secret", s) for s in secrets} | {("community", c) for c in communities}


def links(rows: dict[str, list[dict[str, Any]]]) -> list[str]:
    """Key-like values shared by rows of two secrets or two communities, or by a person-wide row (language,
    topics, own list) and a row of some content."""
    community_of = {row["id"]: row["community_id"] for row in rows.get("secrets", [])}
    reply_secret = {row["id"]: row["secret_id"] for row in rows.get("replies", [])}
    seen: dict[bytes, list[tuple[str, frozenset[Scope]]]] = defaultdict(list)
    for table, table_rows in rows.items():
        for row in table_rows:
            scopes = frozenset(scopes_of(table, row, community_of, reply_secret))
            for column, value in row.items():
                for found in key_like(value):
                    seen[found].append((f"{table}.{column}", scopes))
    problems = []
    for value, places in seen.items():
        every = frozenset().union(*(scopes for _, scopes in places))
        for kind in ("secret", "community"):
            if len({s for s in every if s[0] == kind}) > 1:
                problems.append(f"{value.hex()[:16]}… ties two {kind}s: {sorted({p for p, _ in places})}")
        if any(not scopes for _, scopes in places) and every:
            problems.append(f"{value.hex()[:16]}… is a person's and is by content: {[p for p, _ in places]}")
    return problems


def test_the_link_finder_sees_one_key_on_two_secrets_and_a_person_key_next_to_content() -> None:
    key, salt = "ab" * 32, base64.b64encode(b"s" * 16).decode()
    rows: dict[str, list[dict[str, Any]]] = {
        "secrets": [{"id": 1, "community_id": 1, "tag": key}, {"id": 2, "community_id": 1, "tag": salt}],
        "reactions": [{"secret_id": 2, "reactor_key": bytes.fromhex(key)}],
        "member_preferences": [{"preference_key": salt}],
    }
    problems = links(rows)
    assert len(problems) == 2 and "two secrets" in problems[0] and "person's" in problems[1]
    rows["reactions"] = [{"secret_id": 1, "reactor_key": key}]
    rows["member_preferences"] = [{"preference_key": "cd" * 32}]
    rows["subscriptions"] = [{"preference_key": "cd" * 32}]  # two of the person's own rows: by design
    assert links(rows) == []


def _button(responses: list[Response], kind: type) -> Any:
    for response in responses:
        if isinstance(response, Say | EditPressed):
            for row in response.message.buttons:
                for button in row:
                    if isinstance(button.action, kind):
                        return button.action
    raise AssertionError(f"no {kind.__name__} button in {responses}")


async def _read_every_table(database: SqlDatabase) -> dict[str, list[dict[str, Any]]]:
    def read(connection: Connection) -> dict[str, list[dict[str, Any]]]:
        metadata = sa.MetaData()
        metadata.reflect(connection)
        return {
            name: [dict(row._mapping) for row in connection.execute(sa.select(table))]
            for name, table in metadata.tables.items()
        }

    async with database.engine.connect() as connection:
        return await connection.run_sync(read)


async def test_a_stolen_database_ties_none_of_a_members_actions_together(database: SqlDatabase) -> None:
    clock = FixedClock()
    users = {MEMBER, *OTHERS}
    directory = FakeDirectory(
        members={group: set(users) for group in GROUPS},
        admins={group: {"o5"} for group in GROUPS},
        joined=dict.fromkeys(users, ESTABLISHED),
    )
    anonymizer, sealer = Anonymizer(b"p" * 32), Sealer(b"k" * 32)
    # the delay is not what this test is about; photos are published as text is
    settings = CommunitySettings(publication_delay_seconds=0, pictures=PicturePolicy.OPEN)
    service = Murmure(database, {PLATFORM: directory}, anonymizer, sealer, clock, KeywordFilter(), settings)
    dispatcher = Dispatcher(database, {PLATFORM: FakeMessenger()}, sealer, clock)
    communities = [await service.register_community(PLATFORM, group, f"Group {group}") for group in GROUPS]

    def actor(user: str) -> Actor:
        return Actor(PLATFORM, user, f"dm-{user}", "en")

    async def post(user: str, text: str, community_id: int, photo: bytes | None = None) -> None:
        if photo is not None:
            preview = await service.picture(actor(user), photo, text, len(photo))
        else:
            preview = await service.text(actor(user), text)
        draft = _button(preview, Post).draft
        await service.press(actor(user), ChooseCommunity(draft, community_id).encode())
        if photo is not None:  # and the author asks to hear about replies to it
            await service.press(actor(user), ToggleNotices(draft).encode())
        await service.press(actor(user), Post(draft).encode())
        await dispatcher.drain()

    theirs = []
    for n, community in enumerate(communities):
        await post(OTHERS[n], THEIRS[n], community.id)
        theirs.append(await _latest_secret(database))
    for n, community in enumerate(communities):
        await post(MEMBER, MINE[n], community.id, jpeg_with_gps() if n == 0 else None)
    tokens = await _tokens(database)  # what buttons and links carry
    for n, secret_id in enumerate(theirs):  # three threads, in three communities
        await service.start(actor(MEMBER), ReplyLink(tokens[secret_id]).encode())
        preview = await service.text(actor(MEMBER), f"My answer number {n}.")
        await service.press(actor(MEMBER), _button(preview, Post).encode())
    await service.start(
        actor(MEMBER), ReplyLink(tokens[theirs[0]]).encode()
    )  # twice in one thread: one pseudonym
    await service.press(
        actor(MEMBER), _button(await service.text(actor(MEMBER), "And again."), Post).encode()
    )
    for secret_id in theirs:
        await service.press(actor(MEMBER), React(tokens[secret_id], Reaction.HEART).encode())
    await service.press(actor(MEMBER), React(tokens[theirs[0]], Reaction.SAD).encode())
    for secret_id in theirs[:2]:
        await service.start(actor(MEMBER), ReportLink(tokens[secret_id]).encode())
        await service.press(actor(MEMBER), Report(tokens[secret_id], ReportReason.SPAM).encode())
    await service.press(actor(MEMBER), ChooseLanguage("fr").encode())
    await service.press(actor(MEMBER), ToggleSubscription("love").encode())
    mine = await service.command(actor(MEMBER), "mine")
    await dispatcher.drain()
    assert len(mine) == 4  # the title and the member's three secrets: /mine still finds them

    rows = await _read_every_table(database)
    counts = {name: len(table_rows) for name, table_rows in rows.items()}
    for table in (
        "secrets", "replies", "thread_names", "reactions", "reports", "memberships", "own_lists", "pictures",
        "reply_notices",
    ):  # fmt: skip
        assert counts[table] > 0, f"the scenario left nothing in {table}"
    assert counts["replies"] == 4 and counts["reactions"] == 4 and counts["reports"] == 2
    assert links(rows) == []
    dump = repr(rows)
    assert MEMBER not in dump and f"dm-{MEMBER}" not in dump  # no raw id, no DM


async def _tokens(database: SqlDatabase) -> dict[int, Token]:
    async with database.engine.connect() as connection:
        rows = (await connection.execute(sa.text("SELECT id, token FROM secrets"))).all()
    return {int(ident): Token(token) for ident, token in rows}


async def _latest_secret(database: SqlDatabase) -> int:
    async with database.engine.connect() as connection:
        return int((await connection.execute(sa.text("SELECT max(id) FROM secrets"))).scalar_one())
