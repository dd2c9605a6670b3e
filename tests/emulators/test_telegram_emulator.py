"""The Telegram emulator driven by the real python-telegram-bot 22 (polling and webhook modes)."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import html
import socket
import time
from collections.abc import AsyncIterator, Callable
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from telegram import (
    Bot,
    ChatMemberUpdated,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputFile,
    Update,
)
from telegram.constants import ParseMode
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Conflict,
    EndPointNotFound,
    Forbidden,
    RetryAfter,
)
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)
from telegram.ext._updater import WEBHOOKS_AVAILABLE

from tests.emulators.telegram import EmulatorError, TelegramEmulator
from tests.emulators.telegram_text import EntityParseError, parse_html, parse_markdown_v2

ALICE = 1001
BOB = 1002
CAROL = 1003
GROUP = -1001234567890
POLL_TIMEOUT = 1  # seconds of long polling: small so that stopping never waits long


@pytest.fixture(autouse=True)
def ptb_timedelta(monkeypatch: pytest.MonkeyPatch) -> None:
    """``RetryAfter.retry_after`` warns (PTBDeprecationWarning) unless PTB_TIMEDELTA opts in to timedelta."""
    monkeypatch.setenv("PTB_TIMEDELTA", "true")


@pytest.fixture
async def tg() -> AsyncIterator[TelegramEmulator]:
    async with TelegramEmulator() as emulator:
        emulator.add_user(ALICE, "<Alice & Co>", username="alice")
        emulator.add_user(BOB, "Bob")
        emulator.add_user(CAROL, "Carol")
        emulator.add_group(GROUP, "Secrets of the office", members=[BOB, CAROL], admins=[ALICE])
        yield emulator


def build_app(tg: TelegramEmulator, *, updater: bool = True) -> Application[Any, Any, Any, Any, Any, Any]:
    builder = ApplicationBuilder().token(tg.token).base_url(tg.base_url).base_file_url(tg.base_file_url)
    if not updater:
        builder = builder.updater(None)
    return builder.build()


@contextlib.asynccontextmanager
async def polling(app: Application[Any, Any, Any, Any, Any, Any]) -> AsyncIterator[list[BaseException]]:
    """Runs ``app`` in polling mode; yields the errors its handlers raised; shuts down in PTB's order."""
    errors: list[BaseException] = []

    async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert context.error is not None
        errors.append(context.error)

    app.add_error_handler(on_error)
    await app.initialize()
    await app.start()
    assert app.updater is not None
    await app.updater.start_polling(poll_interval=0, timeout=POLL_TIMEOUT)
    try:
        yield errors
    finally:
        await app.updater.stop()
        await app.stop()
        await app.shutdown()


def add_secret_handlers(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None and update.effective_user is not None
        if context.args:
            await update.effective_message.reply_text(
                f"Reply to <code>{html.escape(context.args[0])}</code>", parse_mode=ParseMode.HTML
            )
            return
        name = html.escape(update.effective_user.first_name)
        await update.effective_message.reply_text(f"Hello <b>{name}</b>!", parse_mode=ParseMode.HTML)

    async def preview(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None and update.effective_message.text is not None
        keyboard = InlineKeyboardMarkup(
            [
                [
                    InlineKeyboardButton("Post", callback_data="post:1"),
                    InlineKeyboardButton("Cancel", callback_data="cancel"),
                ],
                [InlineKeyboardButton("Reply", url=f"https://t.me/{context.bot.username}?start=reply_42")],
            ]
        )
        await update.effective_message.reply_text(
            f"Preview: <i>{html.escape(update.effective_message.text)}</i>",
            parse_mode=ParseMode.HTML,
            reply_markup=keyboard,
        )

    async def clicked(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        assert query is not None
        await query.answer("Published")
        await query.edit_message_text(
            f"Published <b>#{html.escape(query.data or '')}</b>", parse_mode=ParseMode.HTML
        )

    app.add_handler(CommandHandler("start", start))
    app.add_handler(MessageHandler(filters.ChatType.PRIVATE & filters.TEXT & ~filters.COMMAND, preview))
    app.add_handler(CallbackQueryHandler(clicked))


async def test_polling_conversation_start_keyboard_click_and_edit(tg: TelegramEmulator) -> None:
    app = build_app(tg)
    add_secret_handlers(app)
    async with polling(app) as errors:
        assert [c.method for c in tg.requests[:2]] == ["getMe", "deleteWebhook"]

        await tg.user_sends(ALICE, ALICE, "/start")
        await tg.wait_for_request("sendMessage")
        hello = tg.last_message(ALICE)
        assert hello.text == "Hello <Alice & Co>!"
        assert hello.entity_texts("bold") == ["<Alice & Co>"]
        assert hello.parse_mode == "HTML"
        assert hello.reply_to is None  # PTB 22's reply_text only quotes in groups (do_quote=None)

        await tg.user_sends(ALICE, ALICE, "I ate the <last> cookie & lied")
        await tg.wait_for_request("sendMessage", count=2)
        card = tg.last_message(ALICE)
        assert card.text == "Preview: I ate the <last> cookie & lied"
        assert card.entity_texts("italic") == ["I ate the <last> cookie & lied"]
        assert [b["text"] for b in card.buttons] == ["Post", "Cancel", "Reply"]
        assert tg.deep_link(card.button("Reply")["url"]) == "reply_42"

        click = await tg.user_clicks(ALICE, card, "post:1")
        assert "chat_instance" in click["callback_query"]
        await tg.wait_for_request("editMessageText")
        edited = tg.last_message(ALICE)
        assert edited.message_id == card.message_id
        assert edited.text == "Published #post:1"
        assert edited.reply_markup is None  # editMessageText without reply_markup drops the keyboard
        assert edited.edit_date is not None
        assert tg.unanswered_callback_queries() == []
        assert tg.callback_answer(click["callback_query"]["id"]) == {
            "text": "Published",
            "url": None,
            "show_alert": False,
            "cache_time": None,
        }
        with pytest.raises(EmulatorError, match="no button"):
            await tg.user_clicks(ALICE, edited, "post:1")

        await tg.user_opens_deep_link(BOB, tg.deep_link(card.button("Reply")["url"]))
        await tg.wait_for_request("sendMessage", count=3)
        assert tg.last_message(BOB).text == "Reply to reply_42"

        with pytest.raises(BadRequest, match=r"(?i)message is not modified"):
            await app.bot.edit_message_text(
                "Published <b>#post:1</b>",
                chat_id=ALICE,
                message_id=edited.message_id,
                parse_mode=ParseMode.HTML,
            )
        with pytest.raises(BadRequest, match=r"(?i)query is too old"):
            await app.bot.answer_callback_query(click["callback_query"]["id"])
        await tg.wait_updates_consumed()
    assert errors == []
    assert tg.calls("forwardMessage") == [] and tg.calls("copyMessage") == []
    assert tg.unknown_methods == []


async def test_strict_validation_surfaces_as_ptb_exceptions(tg: TelegramEmulator) -> None:
    # bad requests on purpose: the conformance check must see each of them, and not fail this test
    tg.conformance.allow(r"^sendMessage: (text|reply_markup)|^sendSecretToEveryone: unknown method")
    await tg.user_sends(ALICE, ALICE, "/start")
    async with Bot(tg.token, base_url=tg.base_url, base_file_url=tg.base_file_url) as bot:
        assert bot.username == "murmure_test_bot"

        with pytest.raises(BadRequest, match=r"(?i)can't parse entities: can't find end tag") as caught:
            await bot.send_message(ALICE, "<b>x", parse_mode=ParseMode.HTML)
        assert str(caught.value).startswith("Can't parse entities")  # PTB strips "Bad Request: "
        with pytest.raises(BadRequest, match=r'(?i)unsupported start tag "br"'):
            await bot.send_message(ALICE, "a<br>b", parse_mode=ParseMode.HTML)
        with pytest.raises(BadRequest, match=r"(?i)can't parse entities: unescaped"):
            await bot.send_message(ALICE, "fish & chips", parse_mode=ParseMode.HTML)
        with pytest.raises(BadRequest, match=r"(?i)reserved and must be escaped"):
            await bot.send_message(ALICE, "Secret #42.", parse_mode=ParseMode.MARKDOWN_V2)
        await bot.send_message(ALICE, html.escape("fish & chips <3"), parse_mode=ParseMode.HTML)
        assert tg.last_message(ALICE).text == "fish & chips <3"

        with pytest.raises(BadRequest, match=r"(?i)message text is empty"):
            await bot.send_message(ALICE, "   ")
        with pytest.raises(BadRequest, match=r"(?i)message is too long"):
            await bot.send_message(ALICE, "x" * 4097)
        await bot.send_message(ALICE, "é" * 4096)

        too_long = "x" * 65
        with pytest.raises(BadRequest, match=r"(?i)^BUTTON_DATA_INVALID$") as rejected:
            await bot.send_message(
                ALICE,
                "pick",
                reply_markup=InlineKeyboardMarkup([[InlineKeyboardButton("A", callback_data=too_long)]]),
            )
        assert str(rejected.value) == "Button_data_invalid"  # PTB's capitalize() mangles error codes
        sixty_four_bytes = "é" * 32
        await bot.send_message(
            ALICE,
            "pick",
            reply_markup=InlineKeyboardMarkup([[InlineKeyboardButton("A", callback_data=sixty_four_bytes)]]),
        )
        with pytest.raises(BadRequest, match=r"(?i)button url 'javascript:alert\(1\)' is invalid"):
            await bot.send_message(
                ALICE,
                "go",
                reply_markup=InlineKeyboardMarkup([[InlineKeyboardButton("A", url="javascript:alert(1)")]]),
            )

        with pytest.raises(Forbidden, match="bot can't initiate conversation with a user"):
            await bot.send_message(BOB, "hi")
        with pytest.raises(BadRequest, match=r"(?i)chat not found"):
            await bot.send_message(424242, "hi")
        with pytest.raises(Forbidden, match="bot is not a member of the supergroup chat"):
            await bot.send_message(GROUP, "hi")
        with pytest.raises(BadRequest, match=r"(?i)query is too old"):
            await bot.answer_callback_query("no-such-query")
        with pytest.raises(BadRequest, match=r"(?i)message to edit not found"):
            await bot.edit_message_text("x", chat_id=ALICE, message_id=999)
        with pytest.raises(BadRequest, match=r"(?i)message to be replied not found"):
            await bot.send_message(ALICE, "x", reply_to_message_id=999)

        keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("Post", callback_data="post")]])
        sent = await bot.send_message(ALICE, "card", reply_markup=keyboard)
        with pytest.raises(BadRequest, match=r"(?i)message is not modified"):
            await bot.edit_message_reply_markup(ALICE, sent.message_id, reply_markup=keyboard)
        await bot.edit_message_reply_markup(ALICE, sent.message_id)
        assert tg.messages(ALICE)[-1].reply_markup is None
        copied = await bot.copy_message(ALICE, ALICE, sent.message_id)
        assert await bot.delete_message(ALICE, copied.message_id)
        with pytest.raises(BadRequest, match=r"(?i)message to delete not found"):
            await bot.delete_message(ALICE, copied.message_id)
        assert [c.method for c in tg.calls("copyMessage")] == ["copyMessage"]
        assert (await bot.get_chat_member(ALICE, ALICE)).status == "member"

        tg.flood("sendMessage", times=1, retry_after=7)
        with pytest.raises(RetryAfter) as flood:
            await bot.send_message(ALICE, "hi")
        assert flood.value.retry_after == dt.timedelta(seconds=7)
        await bot.send_message(ALICE, "hi")  # only the next call was flooded

        with pytest.raises(EndPointNotFound):
            await bot.do_api_request("sendSecretToEveryone", api_kwargs={"chat_id": ALICE})
        assert tg.unknown_methods == ["sendSecretToEveryone"]
    seen = "\n".join(tg.conformance.expected)
    for problem in (
        'can\'t find end tag corresponding to start tag "b"',
        "4097 characters after entities parsing, documented 1-4096",
        "callback_data: 65 bytes, documented 1-64",
        "unknown method 'sendSecretToEveryone'",
    ):
        assert problem.lower() in seen.lower()


async def test_group_membership_rate_limit_and_removal(tg: TelegramEmulator) -> None:
    events: list[tuple[str, str]] = []
    app = build_app(tg)

    async def on_my_member(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        change = update.my_chat_member
        assert isinstance(change, ChatMemberUpdated)
        events.append((change.old_chat_member.status, change.new_chat_member.status))
        if change.new_chat_member.status == "member":
            await context.bot.send_message(change.chat.id, "Hi! DM me your secrets.")

    app.add_handler(ChatMemberHandler(on_my_member, ChatMemberHandler.MY_CHAT_MEMBER))
    async with polling(app) as errors:
        await tg.add_bot_to_group(GROUP, by_user=ALICE)
        await tg.wait_for_request("sendMessage")
        assert events == [("left", "member")]
        service, welcome = tg.messages(GROUP)
        assert service.extra["new_chat_members"][0]["id"] == tg.bot_id
        assert welcome.text == "Hi! DM me your secrets."

        bot = app.bot
        admin = await bot.get_chat_member(GROUP, ALICE)
        assert admin.status == "administrator"
        assert (await bot.get_chat_member(GROUP, BOB)).status == "member"
        await tg.leave_group(BOB, GROUP)
        assert (await bot.get_chat_member(GROUP, BOB)).status == "left"
        assert [m.user.id for m in await bot.get_chat_administrators(GROUP)] == [ALICE]
        assert await bot.get_chat_member_count(GROUP) == 3  # Alice, Carol, the bot
        chat = await bot.get_chat(GROUP)
        assert (chat.title, chat.type) == ("Secrets of the office", "supergroup")

        tg.limit_rates(per_group_per_minute=3)  # stricter, not looser: the limit is hit in three sends
        await bot.send_message(GROUP, "2")
        await bot.send_message(GROUP, "3")
        with pytest.raises(RetryAfter) as limited:
            await bot.send_message(GROUP, "4")
        assert 1 <= limited.value.retry_after.total_seconds() <= 61
        tg.advance_time(61)
        await bot.send_message(GROUP, "4")

        await tg.remove_bot_from_group(GROUP, by_user=ALICE)
        await tg.wait_until(lambda: len(events) == 2)
        assert events[-1] == ("member", "kicked")
        with pytest.raises(Forbidden, match="bot was kicked from the supergroup chat"):
            await bot.send_message(GROUP, "still there?")
    assert errors == []


async def test_privacy_mode_commands_and_migration(tg: TelegramEmulator) -> None:
    seen: list[str] = []
    app = build_app(tg)

    async def record(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None
        seen.append(update.effective_message.text or "")

    app.add_handler(MessageHandler(filters.ChatType.GROUPS & filters.TEXT, record))
    tg.add_group(-4001, "Old group", members=[BOB], owner=ALICE, supergroup=False)
    async with polling(app) as errors:
        await tg.add_bot_to_group(GROUP, by_user=ALICE)
        await tg.user_sends(BOB, GROUP, "gossip the bot must not see")
        await tg.user_sends(BOB, GROUP, "/secrets@murmure_test_bot")
        await tg.user_sends(BOB, GROUP, "/secrets@another_bot")
        await tg.wait_until(lambda: len(seen) == 1)
        await tg.wait_updates_consumed()
        assert seen == ["/secrets@murmure_test_bot"]
        assert len(tg.dropped_updates) == 2

        await app.bot.set_my_commands([("secret", "Post a secret")])
        await app.bot.set_my_commands([("secret", "Publier un secret")], language_code="fr")
        assert [c.description for c in await app.bot.get_my_commands(language_code="fr")] == [
            "Publier un secret"
        ]
        assert [c.command for c in await app.bot.get_my_commands()] == ["secret"]
        assert await app.bot.get_my_commands(language_code="de") == ()

        await tg.add_bot_to_group(-4001, by_user=ALICE)
        await tg.migrate_group(-4001, -1009999)
        with pytest.raises(ChatMigrated) as migrated:
            await app.bot.send_message(-4001, "hello?")
        assert migrated.value.new_chat_id == -1009999
    assert errors == []


async def test_raw_http_contract(tg: TelegramEmulator) -> None:
    """JSON bodies work too, getUpdates long-polls, confirms by offset and ends an older poll with 409."""
    tg.conformance.allow(r"^noSuchMethod: unknown method|^sendMessage: required parameter 'chat_id'")
    url = f"{tg.base_url}{tg.token}"
    async with aiohttp.ClientSession() as http:
        async with http.post(f"{tg.base_url}123:wrong/getMe") as response:
            assert response.status == 401
        async with http.post(f"{url}/noSuchMethod") as response:
            assert (response.status, await response.json()) == (
                404,
                {"ok": False, "error_code": 404, "description": "Not Found"},
            )
        async with http.post(f"{url}/sendMessage", json={"text": "hi"}) as response:
            assert (await response.json())["description"] == "Bad Request: chat_id is empty"

        loop = asyncio.get_running_loop()
        started = loop.time()
        poll = asyncio.create_task(http.post(f"{url}/getUpdates", json={"timeout": 5}))
        await asyncio.sleep(0.05)
        sent = await tg.user_sends(ALICE, ALICE, "/start")
        async with await poll as response:
            updates = (await response.json())["result"]
        assert loop.time() - started < 2
        assert updates[0]["message"] == sent
        assert updates[0]["message"]["entities"] == [{"offset": 0, "length": 6, "type": "bot_command"}]

        first = updates[0]["update_id"]
        async with http.post(
            f"{url}/getUpdates", data={"offset": str(first + 1), "timeout": "0"}
        ) as response:
            assert (await response.json())["result"] == []
        assert tg.pending_updates == []

        stale = asyncio.create_task(http.post(f"{url}/getUpdates", data={"timeout": "5"}))
        await asyncio.sleep(0.05)
        async with http.post(f"{url}/getUpdates", data={"timeout": "0"}) as response:
            assert response.status == 200
        async with await stale as response:
            assert response.status == 409


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def reply_echo(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
    async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None
        await update.effective_message.reply_text(f"got {update.effective_message.text}")

    app.add_handler(MessageHandler(filters.TEXT, echo))


@pytest.mark.skipif(
    not WEBHOOKS_AVAILABLE, reason="Updater.start_webhook needs python-telegram-bot[webhooks] (tornado)"
)
async def test_updater_webhook_mode(tg: TelegramEmulator) -> None:
    app = build_app(tg)
    reply_echo(app)
    port = free_port()
    await app.initialize()
    await app.start()
    assert app.updater is not None
    await app.updater.start_webhook(
        listen="127.0.0.1",
        port=port,
        url_path="hook",
        webhook_url=f"http://127.0.0.1:{port}/hook",
        secret_token="s3cret-token",
    )
    try:
        await tg.user_sends(ALICE, ALICE, "/hello")
        await tg.wait_for_request("sendMessage")
        assert tg.last_message(ALICE).text == "got /hello"
        assert tg.calls("setWebhook")[0].params["secret_token"] == "s3cret-token"
        async with (
            aiohttp.ClientSession() as http,
            http.post(
                f"http://127.0.0.1:{port}/hook", json={}, headers={"X-Telegram-Bot-Api-Secret-Token": "wrong"}
            ) as response,
        ):
            assert response.status == 403
    finally:
        await app.updater.stop()
        await app.stop()
        await app.shutdown()


async def test_start_webhook_without_tornado_fails_loudly(tg: TelegramEmulator) -> None:
    if WEBHOOKS_AVAILABLE:
        pytest.skip("tornado is installed")
    app = build_app(tg)
    async with app:
        assert app.updater is not None
        with pytest.raises(RuntimeError, match=r"python-telegram-bot\[webhooks\]"):
            await app.updater.start_webhook(listen="127.0.0.1", port=free_port(), url_path="hook")


async def test_custom_webhook_mode_delivers_with_secret_header(tg: TelegramEmulator) -> None:
    """PTB without its Updater: our own aiohttp route feeds ``app.update_queue``."""
    app = build_app(tg, updater=False)
    reply_echo(app)
    secret = "s3cret-token"
    received: list[str | None] = []

    async def hook(request: web.Request) -> web.Response:
        received.append(request.headers.get("X-Telegram-Bot-Api-Secret-Token"))
        if received[-1] != secret:
            return web.Response(status=403)
        await app.update_queue.put(Update.de_json(await request.json(), app.bot))
        return web.Response()

    server = web.Application()
    server.router.add_post("/hook", hook)
    runner = web.AppRunner(server, shutdown_timeout=1.0)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    async with app:
        await app.start()
        try:
            await tg.user_sends(ALICE, ALICE, "early")  # queued before the webhook exists
            await app.bot.set_webhook(f"http://127.0.0.1:{port}/hook", secret_token=secret)
            await tg.wait_for_request("sendMessage")
            await tg.user_sends(ALICE, ALICE, "/late")
            await tg.wait_for_request("sendMessage", count=2)
            assert [m.text for m in tg.bot_messages(ALICE)] == ["got early", "got /late"]
            assert received == [secret, secret]
            info = await app.bot.get_webhook_info()
            assert (info.url, info.pending_update_count) == (f"http://127.0.0.1:{port}/hook", 0)
            with pytest.raises(Conflict, match="webhook is active"):
                await app.bot.get_updates()
        finally:
            await app.stop()
    await runner.cleanup()


def test_html_and_markdown_parsers_follow_telegram() -> None:
    text, entities = parse_html(
        '😀 <b>bold <i>both</i></b> <a href="https://x.org/?a=1&amp;b=2">link</a> &lt;3'
    )
    assert text == "😀 bold both link <3"
    assert entities == [
        {"offset": 3, "length": 9, "type": "bold"},
        {"offset": 8, "length": 4, "type": "italic"},
        {"offset": 13, "length": 4, "type": "text_link", "url": "https://x.org/?a=1&b=2"},
    ]
    for bad, message in [
        ("<b>x</i>", 'Unmatched end tag at byte offset 4, expected "</b>", found "</i>"'),
        ("x</b>", "Unexpected end tag at byte offset 1"),
        ('<span class="x">y</span>', 'Tag "span" must have class "tg-spoiler"'),
        ("<b", "Unclosed start tag at byte offset 0"),
    ]:
        with pytest.raises(EntityParseError) as caught:
            parse_html(bad)
        assert str(caught.value) == message
    assert parse_html("a > b & c", strict=False) == ("a > b & c", [])
    assert parse_markdown_v2(r"*Secret* \#42\. ||spoiler||") == (
        "Secret #42. spoiler",
        [{"offset": 0, "length": 6, "type": "bold"}, {"offset": 12, "length": 7, "type": "spoiler"}],
    )
    with pytest.raises(EntityParseError, match="Can't find end of Bold entity at byte offset 0"):
        parse_markdown_v2("*open")


def test_deep_link_helper_validates_like_telegram() -> None:
    tg = TelegramEmulator()
    assert tg.deep_link("https://t.me/murmure_test_bot?start=reply_42-x") == "reply_42-x"
    bad: list[Callable[[], object]] = [
        lambda: tg.deep_link("https://t.me/other_bot?start=x"),
        lambda: tg.deep_link("https://t.me/murmure_test_bot?start=has space"),
        lambda: tg.deep_link("https://t.me/murmure_test_bot?start=" + "x" * 65),
    ]
    for call in bad:
        with pytest.raises(EmulatorError):
            call()


async def test_strict_by_default_group_and_global_limits_query_expiry_and_latency(
    tg: TelegramEmulator,
) -> None:
    """Telegram's limits are on without asking: 20 sends or edits a minute per group, 30 a second overall,
    callback queries answered within 15 s; the emulator's clock moves past the minute (no real wait)."""
    await tg.add_bot_to_group(GROUP, by_user=ALICE)
    for user in (ALICE, BOB):
        await tg.user_sends(user, user, "/start")
    async with Bot(tg.token, base_url=tg.base_url, base_file_url=tg.base_file_url) as bot:
        first = await bot.send_message(GROUP, "0")
        for n in range(1, 19):
            await bot.send_message(GROUP, str(n))
        await bot.edit_message_text("0 edited", chat_id=GROUP, message_id=first.message_id)  # the 20th
        with pytest.raises(RetryAfter) as limited:
            await bot.edit_message_text("0 again", chat_id=GROUP, message_id=first.message_id)
        assert 1 <= limited.value.retry_after.total_seconds() <= 60
        await bot.send_message(ALICE, "private chats are not group-limited")
        tg.advance_time(60)
        await bot.send_message(GROUP, "a new minute")

        # the group limit off so that only the global one (made 3 a second) can answer 429 below
        tg.limit_rates(per_group_per_minute=None, global_per_second=3)  # only the global limit answers below
        tg.advance_time(1)
        for user in (ALICE, BOB, ALICE):
            await bot.send_message(user, "broadcast")
        with pytest.raises(RetryAfter):
            await bot.send_message(BOB, "one too many this second")

        # both limits off: what follows is about callback expiry alone, and the sends above used them up
        tg.limit_rates(per_group_per_minute=None, global_per_second=None)  # callback expiry alone below
        sent = await bot.send_message(ALICE, "pick", reply_markup=InlineKeyboardMarkup(
            [[InlineKeyboardButton("A", callback_data="a")]]
        ))  # fmt: skip
        click = await tg.user_clicks(ALICE, tg.last_message(ALICE), "a")
        tg.advance_time(15.5)
        with pytest.raises(BadRequest, match=r"(?i)query is too old"):
            await bot.answer_callback_query(click["callback_query"]["id"])
        assert sent.message_id

        tg.latency = 0.15
        started = time.monotonic()
        await bot.get_chat(GROUP)
        assert time.monotonic() - started >= 0.15


async def test_send_document_uploads_a_file_as_telegram_keeps_it(tg: TelegramEmulator) -> None:
    # refused on purpose: a caption over 1024 characters is a conformance problem too
    tg.conformance.allow(r"^sendDocument: caption: 1025 characters")
    await tg.user_sends(ALICE, ALICE, "/start")
    async with Bot(tg.token, base_url=tg.base_url, base_file_url=tg.base_file_url) as bot:
        sent = await bot.send_document(
            ALICE, InputFile(b'{"a": 1}', filename="export.json"), caption="<b>Yours</b>", parse_mode="HTML"
        )
        assert sent.document is not None and sent.text is None
        assert (sent.document.file_name, sent.document.file_size) == ("export.json", 8)
        assert sent.caption == "Yours" and sent.caption_entities[0].type == "bold"
        stored = tg.last_message(ALICE)
        assert stored.file_content == b'{"a": 1}' and stored.document == sent.document.to_dict()

        with pytest.raises(BadRequest, match=r"(?i)file must be non-empty"):
            await bot.send_document(ALICE, InputFile(b"", filename="empty.json"))
        with pytest.raises(BadRequest, match=r"(?i)message caption is too long"):
            await bot.send_document(ALICE, InputFile(b"x", filename="x.txt"), caption="x" * 1025)
        with pytest.raises(BadRequest, match=r"(?i)wrong file identifier"):
            await bot.send_document(ALICE, "not-a-file-id")
        with pytest.raises(BadRequest, match=r"(?i)there is no text in the message to edit"):
            await bot.edit_message_text("edited", chat_id=ALICE, message_id=sent.message_id)
        with pytest.raises(Forbidden, match=r"(?i)can't initiate conversation"):
            await bot.send_document(CAROL, InputFile(b"x", filename="x.txt"))
