"""Deleting erases (issue 10, acceptance 5): after a member deletes a secret, another forgets everything
(/forget, delete everything), a third cuts every tie (/forget), moderators remove a fourth's secret and the
sweeps have run, neither the erased texts (the secrets', their threads', the drafts around them), nor their
topics, nor the tags and keys tied to them are left in the database: not in the SQLite file and its
write-ahead log (read as bytes), not in any PostgreSQL table. The secret whose ties were cut is still there,
under a tag no one's keys recompute."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import inspect, text

from bot.actions import AskDelete, Cancel, ConfirmDelete, CycleTopic, Forget, React, ReplyLink, Report
from bot.anonymity import Sealer
from bot.dispatch import Dispatcher
from bot.model import CommunitySettings, Reaction, ReportReason, Secret
from bot.moderation.normalise import normalise
from bot.records import FeedQuery
from bot.service import Murmure
from storage.database import SqlDatabase
from tests.core.harness import PLATFORM, Harness, post_action, text_of
from tests.fakes import KeywordFilter
from tests.support import stored_bytes

SECRET = "Saffron umbrella confession QX7"
REPLY = "Marigold reply from the thread KJ3"
CANCELLED = "Cobalt draft I thought better of ZP9"
LEFT_OPEN = "Vermilion draft left open overnight WM4"
FORGOTTEN_SECRET = "Teal secret deleted with everything HB5"
FORGOTTEN_REPLY = "Amber reply deleted with everything TL8"
CUT_SECRET = "Plum secret whose ties are cut VC3"
REMOVED_SECRET = "Olive secret the moderators removed DN6"
ERASED = (SECRET, REPLY, CANCELLED, LEFT_OPEN, FORGOTTEN_SECRET, FORGOTTEN_REPLY, REMOVED_SECRET)
# and as the duplicate check keeps a secret's text, normalised ("saffron umbrella confession qxt")
ERASED_FORMS = (*ERASED, *(normalise(erased) for erased in ERASED))


class StoredHarness(Harness):
    """The core tests' community, on a real database."""

    erased_id = 0
    # what tied u5 (who forgot everything) and u3 (who cut every tie) to their writing, read before /forget:
    # tags, salts, thread keys, their /mine row's locator and their preference key
    forgotten_keys: tuple[str, ...] = ()
    forgotten_salts: tuple[bytes, ...] = ()

    def __init__(self, database: SqlDatabase) -> None:
        settings = CommunitySettings(publication_delay_seconds=0)
        super().__init__(settings)
        sealer = Sealer(b"k" * 32)
        self.stored = database
        self.service = Murmure(
            database,
            {PLATFORM: self.directory},
            self.anonymizer,
            sealer,
            self.clock,
            KeywordFilter(),
            settings,
        )
        self.dispatcher = Dispatcher(database, {PLATFORM: self.messenger}, sealer, self.clock)

    def secret_keys(self, user: str, secret_id: int) -> set[str]:
        """The keys of ``user`` that could tie them to one secret: in its thread, on its reactions and
        reports."""
        keys = self.anonymizer.keys(PLATFORM, user)
        return {keys.thread(secret_id), keys.reaction(secret_id), keys.report(secret_id)}


async def _rows(database: SqlDatabase) -> dict[str, str]:
    """Every table's rows, as text."""
    async with database.engine.connect() as connection:
        names = await connection.run_sync(lambda sync: inspect(sync).get_table_names())
        return {
            name: repr((await connection.execute(text(f'SELECT * FROM "{name}"'))).all()) for name in names
        }


async def _live_through_a_deleted_secret(database: SqlDatabase) -> StoredHarness:
    h = await StoredHarness(database).setup()
    await h.post("u1", SECRET)
    async with database.engine.connect() as connection:
        secret_id = (await connection.execute(text("SELECT max(id) FROM secrets"))).scalar_one()
    async with database.unit_of_work() as uow:
        secret = await uow.secrets.get(secret_id)
    assert secret is not None
    h.erased_id = secret.id
    await h.press("u2", React(secret.token, Reaction.HEART))
    await h.press("u3", Report(secret.token, ReportReason.SPAM))
    await h.service.start(h.actor("u2"), ReplyLink(secret.token).encode())
    await h.press("u2", post_action(await h.service.text(h.actor("u2"), REPLY)))
    cancelled = post_action(await h.service.text(h.actor("u1"), CANCELLED))
    await h.press("u1", Cancel(cancelled.draft))
    await h.service.text(h.actor("u4"), LEFT_OPEN)
    await h.press("u1", AskDelete(secret.token))
    assert "was deleted" in text_of(await h.press("u1", ConfirmDelete(secret.token)))
    await _forget_remove_and_cut(h, database)
    h.clock.advance(days=8)
    await h.service.sweep()
    return h


async def _secret_written(
    h: StoredHarness, database: SqlDatabase, user: str, text: str, topic: bool
) -> Secret:
    preview = post_action(await h.service.text(h.actor(user), text))
    if topic:
        await h.press(user, CycleTopic(preview.draft))
    await h.press(user, preview)
    async with database.unit_of_work() as uow:
        found = await uow.feeds.page(FeedQuery(community_ids=[1], limit=1))
    assert found and found[0].text == text
    return found[0]


async def _forget_remove_and_cut(h: StoredHarness, database: SqlDatabase) -> None:
    """u5 writes a secret with a topic and a reply, then deletes everything; u3 cuts every tie to a secret;
    moderators remove u4's."""
    forgotten = await _secret_written(h, database, "u5", FORGOTTEN_SECRET, topic=True)
    assert forgotten.collection is not None
    cut = await _secret_written(h, database, "u3", CUT_SECRET, topic=False)
    await h.service.start(h.actor("u5"), ReplyLink(cut.token).encode())
    await h.press("u5", post_action(await h.service.text(h.actor("u5"), FORGOTTEN_REPLY)))
    await h.service.set_language(h.actor("u5"), "fr")
    removed = await _secret_written(h, database, "u4", REMOVED_SECRET, topic=False)
    u5, u3 = h.anonymizer.keys(PLATFORM, "u5"), h.anonymizer.keys(PLATFORM, "u3")
    h.forgotten_keys = (
        forgotten.author_tag, cut.author_tag, u5.thread(cut.id), u5.own_list()[0], u5.own_threads()[0],
        u3.own_list()[0], u5.preference(),
    )  # fmt: skip
    h.forgotten_salts = (forgotten.author_salt, cut.author_salt)
    assert "sont effacés" in text_of(await h.press("u5", Forget(erase=True, confirmed=True)))
    assert "no longer tied to you" in text_of(await h.press("u3", Forget(erase=False, confirmed=True)))
    assert "removed" in text_of(await h.service.sanction(h.actor("u6"), "g", "remove", str(removed.number)))


def _assert_untied(h: StoredHarness, rows: dict[str, str]) -> None:
    # the members' keys of the secret's scopes are gone with it; their other keys never named it
    for table in ("secrets", "replies", "reactions", "reports", "thread_names", "drafts"):
        for user in ("u1", "u2", "u3", "u4"):
            for key in h.secret_keys(user, h.erased_id):
                assert key not in rows[table], (table, user)
    assert rows["return_addresses"] == "[]"  # used or not, a deleted secret's address is gone
    for seals in ("secret_ban_keys", "reply_ban_keys", "reporter_seals"):
        assert rows[seals] == "[]", seals  # its author's, replier's and reporter's sealed keys too
    assert "'deleted'" in rows["secrets"]  # the empty row left for the card's placeholder
    # neither the tags, salts and keys that tied u5 and u3 to their writing, nor u5's topic
    for key in h.forgotten_keys:
        assert all(key not in table for table in rows.values()), key
    for salt in h.forgotten_salts:
        assert all(repr(salt) not in table for table in rows.values()), salt
    assert CUT_SECRET in rows["secrets"]  # still published, tied to no one
    assert "'love'" not in rows["secrets"]  # the forgotten secret's topic is erased with its text


def _assert_no_bytes(h: StoredHarness, stored: str) -> None:
    for key in h.forgotten_keys:
        assert key not in stored, key
    for salt in h.forgotten_salts:
        assert salt.decode("latin-1") not in stored, salt


async def test_sqlite_file_and_log_keep_nothing_of_a_deleted_secret(tmp_path: Path) -> None:
    from storage.migrate import upgrade

    database = SqlDatabase.from_url(f"sqlite+aiosqlite:///{tmp_path / 'murmure.db'}")
    try:
        await upgrade(database.engine)
        h = await _live_through_a_deleted_secret(database)
        rows = await _rows(database)
        stored = stored_bytes(tmp_path)  # copied while the bot runs, its log not yet folded in on closing
    finally:
        await database.dispose()
    for erased in ERASED_FORMS:
        assert erased not in stored, erased
        assert all(erased not in table for table in rows.values())
    _assert_untied(h, rows)
    _assert_no_bytes(h, stored)


async def test_postgresql_tables_keep_nothing_of_a_deleted_secret(tmp_path: Path) -> None:
    from tests.conftest import migrated, sql_url

    async with migrated(sql_url("postgresql", tmp_path)) as database:
        h = await _live_through_a_deleted_secret(database)
        rows = await _rows(database)
    for erased in ERASED_FORMS:
        assert all(erased not in table for table in rows.values()), erased
    _assert_untied(h, rows)
