"""The Discord emulator driven by the real discord.py 2.7 (REST, gateway, interactions, views, modals)."""

from __future__ import annotations

import asyncio
import contextlib
import io
import re
import time
import warnings
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest

from tests.emulators.discord import (
    ATTACH_FILES,
    ATTACHMENT_SIZE_LIMIT,
    EPHEMERAL,
    MANAGE_GUILD,
    MANAGE_MESSAGES,
    DiscordEmulator,
    EmulatorError,
)

with warnings.catch_warnings():
    # discord.player imports the stdlib ``audioop`` (deprecated in 3.11/3.12): fatal under filterwarnings=error.
    warnings.filterwarnings("ignore", "'audioop' is deprecated", DeprecationWarning)
    import discord
    from discord import app_commands

ALICE = 1_300_000_000_000_000_001
BOB = 1_300_000_000_000_000_002
GUILD = 1_400_000_000_000_000_001
GENERAL = 1_400_000_000_000_000_010
SECRET_ROOM = 1_400_000_000_000_000_011
READY_TIMEOUT = 5.0


class FrenchTranslator(app_commands.Translator):
    async def translate(
        self,
        string: app_commands.locale_str,
        locale: discord.Locale,
        context: app_commands.TranslationContext[Any, Any],
    ) -> str | None:
        table = {"ping": "sonde", "Answers privately": "Répond en privé", "secret": "secret"}
        return table.get(string.message) if locale is discord.Locale.french else None


class HeartButton(discord.ui.View):
    """A persistent view: no timeout, explicit custom ids (survives a restart through ``add_view``)."""

    def __init__(self, count: int = 0) -> None:
        super().__init__(timeout=None)
        self.count = count

    @discord.ui.button(label="Heart", custom_id="react:heart", style=discord.ButtonStyle.secondary)
    async def heart(self, interaction: discord.Interaction, button: discord.ui.Button[HeartButton]) -> None:
        assert interaction.message is not None
        content = interaction.message.content
        count = (int(content.rsplit("❤️", 1)[1]) if "❤️" in content else 0) + 1
        # No ``view=self``: after a restart ``self`` is the bare registered view (without the dynamic
        # Reply button), and sending it would replace the message's components with it.
        await interaction.response.edit_message(content=f"{_body(interaction.message.content)} ❤️ {count}")


def _body(content: str) -> str:
    return content.split(" ❤️", 1)[0]


class ReplyButton(
    discord.ui.DynamicItem[discord.ui.Button[discord.ui.View]], template=r"reply:(?P<secret>\d+)"
):
    def __init__(self, secret: int) -> None:
        super().__init__(discord.ui.Button(label="Reply", custom_id=f"reply:{secret}"))
        self.secret = secret

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> ReplyButton:
        return cls(int(match["secret"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        assert interaction.message is not None
        thread = interaction.message.thread or await interaction.message.create_thread(
            name=f"Replies #{self.secret}"
        )
        await thread.send("An anonymous reply", allowed_mentions=discord.AllowedMentions.none())
        await interaction.response.send_message(f"Replied in {thread.id}", ephemeral=True)


class SecretModal(discord.ui.Modal, title="Tell a secret"):
    text: discord.ui.TextInput[SecretModal] = discord.ui.TextInput(
        label="Your secret", custom_id="secret:text", style=discord.TextStyle.paragraph, max_length=500
    )

    async def on_submit(self, interaction: discord.Interaction) -> None:
        assert isinstance(interaction.channel, discord.TextChannel)
        view = HeartButton()
        view.add_item(ReplyButton(42))
        await interaction.response.send_message("Posted anonymously.", ephemeral=True)
        await interaction.channel.send(
            f"#42 {self.text.value}", view=view, allowed_mentions=discord.AllowedMentions.none()
        )


class Bot(discord.Client):
    def __init__(self, **options: Any) -> None:
        intents = discord.Intents.default()
        super().__init__(intents=intents, guild_ready_timeout=0.05, **options)
        self.tree = app_commands.CommandTree(self)
        self.dms: list[str] = []
        self.guild_messages: list[str] = []
        self.resumed = asyncio.Event()
        self.errors: list[BaseException] = []

        @self.tree.command(
            name=app_commands.locale_str("ping"), description=app_commands.locale_str("Answers privately")
        )
        async def ping(interaction: discord.Interaction) -> None:
            assert interaction.locale is discord.Locale.french
            await interaction.response.send_message("pong", ephemeral=True)
            await interaction.edit_original_response(content=f"pong {interaction.user.id}")
            await interaction.followup.send("more, privately", ephemeral=True)

        @self.tree.command(name="setup", description="Register this channel", guild=discord.Object(GUILD))
        async def setup(interaction: discord.Interaction) -> None:
            await interaction.response.send_message(f"setup in {interaction.channel_id}")

        @self.tree.command(name="secret", description="Share a secret anonymously")
        async def secret(interaction: discord.Interaction) -> None:
            await interaction.response.send_modal(SecretModal())

        @self.tree.command(name="config", description="Moderator settings")
        @app_commands.default_permissions(manage_guild=True)
        @app_commands.guild_only()
        async def config(interaction: discord.Interaction, threshold: int) -> None:
            await interaction.response.defer(ephemeral=True, thinking=True)
            assert isinstance(interaction.user, discord.Member)
            await interaction.followup.send(
                f"threshold={threshold} manage_guild={interaction.user.guild_permissions.manage_guild}"
            )

        @self.tree.error
        async def on_app_command_error(
            interaction: discord.Interaction, error: app_commands.AppCommandError
        ) -> None:
            self.errors.append(error)

    async def setup_hook(self) -> None:
        await self.tree.set_translator(FrenchTranslator())
        self.add_view(HeartButton())
        self.add_dynamic_items(ReplyButton)

    async def on_message(self, message: discord.Message) -> None:
        if message.author == self.user:
            return
        if message.guild is not None:
            self.guild_messages.append(message.content)
            return
        self.dms.append(message.content)
        await message.channel.send(f"Received: {message.content}")

    async def on_resumed(self) -> None:
        self.resumed.set()


@pytest.fixture
async def dc() -> AsyncIterator[DiscordEmulator]:
    async with DiscordEmulator() as emulator:
        emulator.add_user(ALICE, "alice", "Alice", locale="fr")
        emulator.add_user(BOB, "bob", "Bob")
        await emulator.add_guild(
            GUILD,
            "Office",
            owner_id=ALICE,
            channels=[(GENERAL, "general"), (SECRET_ROOM, "hidden")],
            members=[BOB],
        )
        emulator.set_channel_access(SECRET_ROOM, bot_can_see=False)
        with emulator.patch_discord():
            yield emulator


@contextlib.asynccontextmanager
async def running(dc: DiscordEmulator, client: discord.Client | None = None) -> AsyncIterator[Bot]:
    bot = client or Bot()
    assert isinstance(bot, Bot)
    task: asyncio.Task[None] | None = None
    try:
        await bot.login(dc.token)
        task = asyncio.create_task(bot.connect(), name="discord-connect")
        await asyncio.wait_for(bot.wait_until_ready(), READY_TIMEOUT)
        yield bot
    finally:
        await asyncio.wait_for(bot.close(), 5)
        if task is not None:
            await asyncio.wait_for(task, 5)


async def synced(bot: Bot) -> None:
    await bot.tree.sync()


async def test_ready_guild_create_fill_the_cache_and_sync_stores_localizations(dc: DiscordEmulator) -> None:
    async with running(dc) as bot:
        guild = bot.get_guild(GUILD)
        assert guild is not None and guild.name == "Office" and guild.owner_id == ALICE
        assert {c.id for c in guild.text_channels} == {GENERAL, SECRET_ROOM}
        assert guild.me is not None and guild.me.guild_permissions.manage_messages
        assert guild.get_member(BOB) is None  # default intents: GUILD_CREATE lists only the bot
        assert bot.application_id == dc.application_id
        assert dc.identify_payloads[0]["intents"] == discord.Intents.default().value
        assert [r.path for r in dc.requests[:2]] == [
            "/users/@me",
            "/oauth2/applications/@me",
        ]
        await synced(bot)
        ping = next(c for c in dc.commands() if c["name"] == "ping")
        assert ping["name_localizations"] == {"fr": "sonde"}
        assert ping["description_localizations"] == {"fr": "Répond en privé"}
        config = next(c for c in dc.commands() if c["name"] == "config")
        assert config["default_member_permissions"] == str(MANAGE_GUILD)
        synced_here = await bot.tree.sync(guild=guild)
        assert [c.name for c in synced_here] == [c["name"] for c in dc.commands(GUILD)] == ["setup"]
        setup = await dc.user_runs_command(BOB, GUILD, GENERAL, "setup")
        assert setup.payload["data"]["guild_id"] == str(GUILD)
        assert (await setup.response())["data"]["content"] == f"setup in {GENERAL}"
        fetched = await bot.tree.fetch_commands()
        assert {c.name for c in fetched} == {"ping", "secret", "config"}
        member = await guild.fetch_member(BOB)
        assert member.name == "bob"
        assert len(await guild.fetch_roles()) == 2


async def test_slash_command_ephemeral_answer_and_second_ack_rejected(dc: DiscordEmulator) -> None:
    async with running(dc) as bot:
        await synced(bot)
        pending = await dc.user_runs_command(ALICE, GUILD, GENERAL, "ping")
        first = await pending.response()
        assert first["type"] == 4 and first["data"]["flags"] == EPHEMERAL
        await dc.wait_until(lambda: len(pending.followup_ids) == 1)
        original = pending.original()
        assert original.ephemeral and original.content == f"pong {ALICE}" and original.visible_to == ALICE
        assert original.from_interaction
        assert 0 <= dc.ack_delays()[pending.id] < 1.0
        async with aiohttp.ClientSession() as session:
            url = f"{dc.api_base}/interactions/{pending.id}/{pending.token}/callback"
            async with session.post(url, json={"type": 4, "data": {"content": "again"}}) as response:
                assert response.status == 400
                assert await response.json() == {
                    "message": "Interaction has already been acknowledged.",
                    "code": 40060,
                }
        assert [(a.kind, a.status) for a in dc.interaction_responses(pending)] == [
            ("callback", 200),
            ("edit_original", 200),
            ("followup", 200),
            ("callback", 400),
        ]
        (followup,) = pending.followups()
        assert followup.content == "more, privately" and followup.flags == EPHEMERAL
        with pytest.raises(EmulatorError, match="hidden"):
            await dc.user_runs_command(BOB, GUILD, GENERAL, "config", options={"threshold": 3})


async def test_defer_then_followup_replaces_the_thinking_message(dc: DiscordEmulator) -> None:
    dc.make_moderator(GUILD, BOB)
    async with running(dc) as bot:
        await synced(bot)
        pending = await dc.user_runs_command(BOB, GUILD, GENERAL, "config", options={"threshold": 3})
        assert (await pending.response())["type"] == 5
        await dc.wait_until(lambda: any(a.kind == "followup" for a in pending.answers))
        original = pending.original()
        assert original.content == "threshold=3 manage_guild=True" and original.ephemeral
        assert pending.followup_ids == []
        assert dc.permissions(GUILD, BOB) & MANAGE_MESSAGES


async def test_modal_submit_posts_with_mentions_off_then_click_edits_and_thread(dc: DiscordEmulator) -> None:
    async with running(dc) as bot:
        await synced(bot)
        opened = await dc.user_runs_command(ALICE, GUILD, GENERAL, "secret")
        assert (await opened.response())["type"] == 9
        assert opened.modal is not None and opened.modal["title"] == "Tell a secret"
        submitted = await dc.user_submits_modal(
            ALICE, opened, {"secret:text": "I love <@1300000000000000002>"}
        )
        assert (await submitted.response())["data"]["flags"] == EPHEMERAL
        await dc.wait_until(lambda: any(not m.from_interaction for m in dc.messages(GENERAL)))
        post = next(m for m in dc.messages(GENERAL) if not m.from_interaction)
        assert post.content == "#42 I love <@1300000000000000002>"
        assert post.allowed_mentions == {"parse": []} and post.notified(dc) == set()
        assert post.custom_ids == ["react:heart", "reply:42"]

        click = await dc.user_clicks(BOB, post, "react:heart")
        assert (await click.response())["type"] == 7
        assert (
            dc.message(post.id).content.endswith("❤️ 1") and dc.message(post.id).custom_ids == post.custom_ids
        )

        reply = await dc.user_clicks(BOB, post, "reply:42")
        answer = await reply.response()
        assert answer["data"]["content"] == f"Replied in {post.id}"
        assert dc.threads[post.id].parent_id == GENERAL and dc.message(post.id).thread_id == post.id
        assert [m.content for m in dc.messages(post.id)] == ["An anonymous reply"]

        with pytest.raises(EmulatorError, match="no component"):
            await dc.user_clicks(BOB, post, "react:nope")
        forged = await dc.user_clicks(BOB, post, "react:nope", forged=True)
        await asyncio.sleep(0.1)
        assert not forged.acknowledged  # discord.py ignores unknown custom ids
        assert bot.errors == []


async def test_dm_received_and_answered(dc: DiscordEmulator) -> None:
    async with running(dc) as bot:
        await dc.user_sends_dm(BOB, "hello bot")
        dm = dc.dm_channel_id(BOB)
        assert dm is not None
        await dc.wait_until(lambda: len(dc.messages(dm)) == 2)
        assert bot.dms == ["hello bot"]
        assert dc.last_message(dm).content == "Received: hello bot"


async def test_rate_limit_is_retried_by_discord_py(dc: DiscordEmulator) -> None:
    async with running(dc) as bot:
        dc.rate_limit(r"^POST /channels/\d+/messages$", times=2, retry_after=0.05)
        channel = bot.get_channel(GENERAL)
        assert isinstance(channel, discord.TextChannel)
        sent = await channel.send("after the storm")
        assert sent.content == "after the storm"
        statuses = [r.status for r in dc.calls("POST", rf"/channels/{GENERAL}/messages")]
        assert statuses == [429, 429, 200]
        assert dc.calls("POST", rf"/channels/{GENERAL}/messages")[0].response["retry_after"] == 0.05
        edited = await sent.edit(content="edited")
        assert edited.content == "edited" and dc.message(sent.id).edited is not None
        await sent.delete()
        assert dc.message(sent.id).deleted and sent.id not in [m.id for m in dc.messages(GENERAL)]


async def test_rest_errors_are_discords(dc: DiscordEmulator) -> None:
    # bad requests on purpose: the conformance check must see each of them, and not fail this test
    dc.conformance.allow(r"content: 2001 characters|custom_id: 101 characters|undocumented route /nope")
    async with running(dc) as bot:
        with pytest.raises(discord.Forbidden) as forbidden:
            await bot.http.send_message(
                SECRET_ROOM, params=discord.http.handle_message_parameters(content="x")
            )
        assert forbidden.value.code == 50001
        with pytest.raises(discord.NotFound) as unknown:
            await bot.fetch_channel(999)
        assert unknown.value.code == 10003
        channel = bot.get_channel(GENERAL)
        assert isinstance(channel, discord.TextChannel)
        with pytest.raises(discord.HTTPException) as too_long:
            await channel.send("x" * 2001)
        assert too_long.value.code == 50035 and "content" in str(too_long.value)
        view = discord.ui.View()
        view.add_item(discord.ui.Button(label="a", custom_id="x" * 101))
        with pytest.raises(discord.HTTPException) as bad_button:
            await channel.send("buttons", view=view)
        assert bad_button.value.code == 50035
        errors = dc.calls("POST", rf"/channels/{GENERAL}/messages")[-1].response["errors"]
        assert (
            errors["components"]["0"]["components"]["0"]["custom_id"]["_errors"][0]["code"]
            == "BASE_TYPE_BAD_LENGTH"
        )
        async with aiohttp.ClientSession() as session, session.get(f"{dc.api_base}/nope") as response:
            assert response.status == 404 and await response.json() == {
                "message": "404: Not Found",
                "code": 0,
            }
    seen = "\n".join(dc.conformance.expected)
    assert "body.content: 2001 characters, at most 2000" in seen
    assert "custom_id: 101 characters, at most 100" in seen
    assert "undocumented route /nope" in seen


async def test_forced_disconnect_is_resumed_with_replay(dc: DiscordEmulator) -> None:
    async with running(dc) as bot:
        session = dc.live_sessions()[0]
        await dc.disconnect_gateway(code=4000)
        await dc.user_sends_dm(BOB, "while you were away")  # buffered, replayed on RESUME
        await asyncio.wait_for(bot.resumed.wait(), 5)
        assert dc.resume_payloads[-1]["session_id"] == session
        assert len(dc.identify_payloads) == 1 and dc.gateway_connections == 2
        await dc.wait_until(lambda: bot.dms == ["while you were away"])


async def test_restart_second_client_handles_clicks_on_old_messages(dc: DiscordEmulator) -> None:
    async with running(dc) as first:
        await synced(first)
        channel = first.get_channel(GENERAL)
        assert isinstance(channel, discord.TextChannel)
        view = HeartButton()
        view.add_item(ReplyButton(7))
        posted = await channel.send("#7 old secret", view=view)
    assert dc.live_sessions() == []
    async with running(dc) as second:
        click = await dc.user_clicks(BOB, posted.id, "react:heart")
        assert (await click.response())["type"] == 7
        assert dc.message(posted.id).content == "#7 old secret ❤️ 1"
        reply = await dc.user_clicks(ALICE, posted.id, "reply:7")
        assert (await reply.response())["data"]["flags"] == EPHEMERAL
        assert posted.id in dc.threads
        assert second.errors == []


async def test_clean_shutdown_leaves_no_task(dc: DiscordEmulator) -> None:
    async with running(dc):
        pass
    await asyncio.sleep(0)
    current = asyncio.current_task()
    leftovers = [t for t in asyncio.all_tasks() if t is not current and not t.done()]
    assert leftovers == []


async def _answer(dc: DiscordEmulator, pending: Any, body: dict[str, Any]) -> tuple[int, Any]:
    """A first answer posted by hand to an interaction the bot leaves alone."""
    async with aiohttp.ClientSession() as session:
        url = f"{dc.api_base}/interactions/{pending.id}/{pending.token}/callback"
        async with session.post(url, json=body) as response:
            return response.status, await response.json() if response.status != 204 else None


async def test_an_update_of_the_message_answers_only_a_press_once_and_within_three_seconds(
    dc: DiscordEmulator,
) -> None:
    """UPDATE_MESSAGE (type 7) as Discord takes it: for a component's interaction (or a form opened from
    one), not a slash command's nor a form's opened by one; once; within 3 s of the click."""
    invalid = {
        "_errors": [
            {"code": "INTERACTION_RESPONSE_TYPE_INVALID", "message": "Invalid interaction response type"}
        ]
    }
    update = {"type": 7, "data": {"content": "updated"}}
    async with running(dc) as bot:
        await synced(bot)
        opened = await dc.user_runs_command(ALICE, GUILD, GENERAL, "secret")
        await opened.response()
        await dc.user_submits_modal(ALICE, opened, {"secret:text": "a card"})
        await dc.wait_until(lambda: any(not m.from_interaction for m in dc.messages(GENERAL)))
        post = next(m for m in dc.messages(GENERAL) if not m.from_interaction)
        bot.tree.remove_command("ping")  # still known to Discord: its interactions go unanswered
        command = await dc.user_runs_command(ALICE, GUILD, GENERAL, "ping")
        assert await _answer(dc, command, update) == (
            400,
            {"message": "Invalid Form Body", "code": 50035, "errors": {"type": invalid}},
        )
        form = await dc.user_submits_forged_modal(
            BOB, GUILD, GENERAL, {"custom_id": "no:form", "components": []}
        )
        assert (await _answer(dc, form, update))[0] == 400  # a form opened by a command has no message
        assert (await _answer(dc, command, {"type": 4, "data": {"content": "ok"}}))[0] == 204
        press = await dc.user_clicks(BOB, post, "no:button", forged=True)
        assert await _answer(dc, press, update) == (204, None)
        assert dc.message(post.id).content == "updated"
        assert await _answer(dc, press, update) == (
            400,
            {"message": "Interaction has already been acknowledged.", "code": 40060},
        )
        dc.ack_deadline = 0.0
        late = await dc.user_clicks(BOB, post, "no:button", forged=True)
        status, body = await _answer(dc, late, update)
        assert (status, body["code"]) == (404, 10062) and dc.message(post.id).content == "updated"


async def test_compression_intents_and_guild_message_content(dc: DiscordEmulator) -> None:
    async with running(dc) as bot:
        assert dc.gateway_queries[0] == {"v": "10", "encoding": "json", "compress": "zlib-stream"}
        await dc.user_sends(BOB, GENERAL, "no content intent")
        await dc.user_sends(BOB, GENERAL, f"hey <@{dc.bot_id}>")
        await dc.wait_until(lambda: len(bot.guild_messages) == 2)
        assert bot.guild_messages == ["", f"hey <@{dc.bot_id}>"]  # content only when the bot is mentioned


async def test_guild_create_and_delete_while_connected(dc: DiscordEmulator) -> None:
    other = 1_400_000_000_000_000_100
    async with running(dc) as bot:
        await dc.add_guild(other, "Elsewhere", owner_id=BOB, channels=[(other + 1, "lobby")])
        await dc.wait_until(lambda: bot.get_guild(other) is not None)
        await dc.remove_bot_from_guild(other)
        await dc.wait_until(lambda: bot.get_guild(other) is None)
        with pytest.raises(discord.Forbidden):
            await bot.fetch_channel(other + 1)


async def test_late_answer_is_an_unknown_interaction(dc: DiscordEmulator) -> None:
    dc.ack_deadline = 0.0
    async with running(dc) as bot:
        await synced(bot)
        pending = await dc.user_runs_command(ALICE, GUILD, GENERAL, "ping")
        await dc.wait_until(lambda: bool(bot.errors))
        assert pending.answers[0].status == 404 and not pending.acknowledged
        cause = bot.errors[0].__cause__
        assert isinstance(cause, discord.NotFound) and cause.code == 10062


async def test_privileged_intents_not_enabled_close_4014() -> None:
    async with DiscordEmulator(enabled_privileged_intents=0) as dc:
        with dc.patch_discord():
            client = discord.Client(intents=discord.Intents.all())
            try:
                await client.login(dc.token)
                with pytest.raises(discord.PrivilegedIntentsRequired):
                    await asyncio.wait_for(client.connect(), 5)
            finally:
                await client.close()


async def test_auto_sharded_client_uses_gateway_bot(dc: DiscordEmulator) -> None:
    client = discord.AutoShardedClient(intents=discord.Intents.default(), guild_ready_timeout=0.05)
    task: asyncio.Task[None] | None = None
    try:
        await client.login(dc.token)
        task = asyncio.create_task(client.connect())
        await asyncio.wait_for(client.wait_until_ready(), READY_TIMEOUT)
        assert client.get_guild(GUILD) is not None
        assert dc.identify_payloads[0]["shard"] == [0, 1]
        assert dc.calls("GET", "/gateway/bot")
    finally:
        await client.close()
        if task is not None:
            await asyncio.wait_for(task, 5)


async def test_each_shard_gets_its_guilds_and_shard_0_the_dms(dc: DiscordEmulator) -> None:
    other = 1_400_000_000_004_194_404  # (id >> 22) % 2 == 1, GUILD's is 0
    await dc.add_guild(other, "Workshop", owner_id=BOB, channels=[(other + 1, "general")], members=[ALICE])
    shards = [
        discord.Client(intents=discord.Intents.default(), guild_ready_timeout=0.05, shard_id=n, shard_count=2)
        for n in range(2)
    ]
    dms: list[list[str]] = [[], []]
    for n, client in enumerate(shards):

        async def on_message(message: discord.Message, seen: list[str] = dms[n]) -> None:
            seen.append(message.content)

        client.event(on_message)
    tasks: list[asyncio.Task[None]] = []
    try:
        for client in shards:
            await client.login(dc.token)
            tasks.append(asyncio.create_task(client.connect()))
            await asyncio.wait_for(client.wait_until_ready(), READY_TIMEOUT)
        assert sorted(p["shard"] for p in dc.identify_payloads) == [[0, 2], [1, 2]]
        assert [g.id for g in shards[0].guilds] == [GUILD]
        assert [g.id for g in shards[1].guilds] == [other]
        await dc.user_sends_dm(ALICE, "hello")
        await dc.wait_until(lambda: dms[0] == ["hello"])
        await asyncio.sleep(0.1)
        assert dms[1] == []
    finally:
        for client in shards:
            await client.close()
        for task in tasks:
            await asyncio.wait_for(task, 5)


async def test_raw_gateway_without_compression_and_bad_token(dc: DiscordEmulator) -> None:
    async with (
        aiohttp.ClientSession() as session,
        session.ws_connect(dc.gateway_url + "?v=10&encoding=json") as ws,
    ):
        hello = await ws.receive_json(timeout=2)
        assert hello["op"] == 10 and hello["d"]["heartbeat_interval"] == 41_250
        await ws.send_json({"op": 1, "d": None})
        assert (await ws.receive_json(timeout=2))["op"] == 11
        await ws.send_json({"op": 2, "d": {"token": "wrong", "intents": 0, "properties": {}}})
        closing = await ws.receive(timeout=2)
        assert closing.type is aiohttp.WSMsgType.CLOSE and closing.data == 4004
    async with aiohttp.ClientSession() as session:
        async with session.get(dc.api_base + "/users/@me") as response:
            assert response.status == 401
        async with session.get(
            dc.api_base + "/gateway/bot", headers={"Authorization": f"Bot {dc.token}"}
        ) as response:
            assert (await response.json())["url"] == dc.gateway_url
            assert response.headers["Content-Type"] == "application/json"


async def test_strict_by_default_buckets_global_limit_and_latency(dc: DiscordEmulator) -> None:
    """Per-channel message buckets (5 per 5 s) and a global limit, answered as Discord does; this test
    shrinks the bucket window to 0.3 s (it is about the headers and the waits, not the length of 5 s)."""
    assert dc.global_limit == 50 and dc.route_limits["POST /channels/(?P<channel_id>\\d+)/messages"] == (
        5,
        5.0,
    )
    async with running(dc) as bot:
        dc.route_limits = {route: (limit, 0.3) for route, (limit, _) in dc.route_limits.items()}
        channel = bot.get_channel(GENERAL)
        assert isinstance(channel, discord.TextChannel)
        for n in range(6):  # discord.py reads X-RateLimit-Remaining: 0 and waits for the reset
            await channel.send(f"message {n}")
        posts = dc.calls("POST", rf"/channels/{GENERAL}/messages")
        assert [p.status for p in posts] == [200] * 6
        assert posts[5].time - posts[4].time >= 0.2

        await asyncio.sleep(1.0)  # the posts above leave the global window
        dc.global_limit = 2
        started = time.monotonic()
        for _ in range(3):  # the third waits for the global limit, then goes through
            await bot.fetch_channel(GENERAL)
        limited = [r for r in dc.requests if r.status == 429 and r.time >= started]
        assert limited and limited[0].response["global"] is True

        # the global limit off again (it was just shown): what follows measures the latency alone
        dc.global_limit, dc.latency = None, 0.15
        started = time.monotonic()
        await bot.fetch_channel(GENERAL)
        assert time.monotonic() - started >= 0.15


async def test_lost_permissions_and_messages_deleted_by_hand_give_discords_codes(dc: DiscordEmulator) -> None:
    async with running(dc) as bot:
        channel = bot.get_channel(GENERAL)
        assert isinstance(channel, discord.TextChannel)
        card = await channel.send("#1 a card")
        await dc.delete_by_hand(card.id)
        with pytest.raises(discord.NotFound) as gone:
            await card.edit(content="#1 edited")
        assert gone.value.code == 10008  # Unknown Message: the channel is fine
        second = await channel.send("#2 a card")
        dc.revoke_bot_permissions(GUILD, 1 << 35)  # CREATE_PUBLIC_THREADS
        with pytest.raises(discord.Forbidden) as refused:
            await second.create_thread(name="#2")
        assert refused.value.code == 50013  # Missing Permissions
        with pytest.raises(discord.NotFound) as unknown:
            await bot.fetch_channel(GENERAL + 999)
        assert unknown.value.code == 10003


async def test_files_are_attachments_within_discords_limits(dc: DiscordEmulator) -> None:
    async with running(dc) as bot:

        @bot.tree.command(name="export", description="A file, privately")
        async def export(interaction: discord.Interaction) -> None:
            document = discord.File(io.BytesIO(b'{"a": 1}'), filename="export.json")
            await interaction.response.send_message("yours", file=document, ephemeral=True)

        await synced(bot)
        pending = await dc.user_runs_command(ALICE, GUILD, GENERAL, "export")
        assert (await pending.response())["type"] == 4
        (attachment,) = pending.original().attachments
        assert attachment["filename"] == "export.json" and pending.original().ephemeral
        assert dc.attachment_contents[int(attachment["id"])] == b'{"a": 1}'

        channel = bot.get_channel(GENERAL)
        assert isinstance(channel, discord.TextChannel)
        sent = await channel.send(file=discord.File(io.BytesIO(b"x"), filename="x.txt"))
        assert [a.filename for a in sent.attachments] == ["x.txt"]
        big = io.BytesIO(bytes(ATTACHMENT_SIZE_LIMIT + 1))
        with pytest.raises(discord.HTTPException) as too_big:
            await channel.send(file=discord.File(big, filename="big.bin"))
        assert too_big.value.status == 413 and too_big.value.code == 40005
        dc.revoke_bot_permissions(GUILD, ATTACH_FILES)
        with pytest.raises(discord.Forbidden) as refused:
            await channel.send(file=discord.File(io.BytesIO(b"x"), filename="x.txt"))
        assert refused.value.code == 50013
