"""Discord events in, the core's use cases called, its answers sent back, ephemerally where private."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
from collections.abc import Awaitable, Callable, Iterator
from typing import Any, TypeVar

import aiohttp
import discord
import yarl
from discord import app_commands

from adapters.discord.platform import (
    DM_PREFIX,
    FOLLOWUP_PREFIX,
    community_ref,
    only_admins_read,
    readable_by_everyone,
)
from adapters.discord.render import LINK_PREFIX, MENU_PREFIX, message_kwargs, send_kwargs
from bot import commands, pictures
from bot.actions import ACTION_PATTERN, LINK_PATTERN, Form, PostLink, ReplyLink, decode_link
from bot.actor import Actor
from bot.commands import Command, Feature, Place, commands_for
from bot.i18n import resolve_locale, t_on
from bot.kept_forms import KeptForm
from bot.logsafe import where
from bot.messages import Alert, CardAnswer, EditPressed, OutgoingMessage, Response, RichText, Say, Told
from bot.service import Murmure

PLATFORM = "discord"
# a secret can be written in a modal; an admin registers a channel with /murmure setup
FEATURES = frozenset({Feature.FORMS, Feature.SETUP_COMMAND})
# Intents: guilds (the GUILD_CREATE cache of channels and roles) and dm_messages (secrets sent in DM:
# their content comes without the privileged message-content intent). Nothing privileged.
INTENTS = discord.Intents.none()
INTENTS.guilds = True
INTENTS.dm_messages = True
SECRET_MAX = 1500
# Discord forgets an interaction not acknowledged within 3 s of the click. An answer the core gives within
# this budget is the acknowledgement itself; past it the interaction is deferred, and answered after.
ACK_BUDGET = 1.0
# a form's text kept before its deferral (``_form_kept``) is waited for this long at most: with ACK_BUDGET,
# within Discord's 3 s for the first answer
KEEP_BUDGET = 1.0
# seconds between two put-offs of a deferred interaction's kept answer while its use case runs (well within
# bot.service.PENDING_ANSWER_AFTER)
STILL_WORKING_EVERY = 10.0
T = TypeVar("T")
SEND_RETRY_PAUSES = (0.2, 0.6)  # seconds before a DM's answer is sent again after a connection failure
# a photo's download from Discord's CDN taking longer is given up and tried again (aiohttp's own bound, 5
# minutes, would leave the member waiting, then raise past the retries: no answer at all)
FETCH_SECONDS = 20.0
MODAL_TEXT_ID = "murmure:text"
MODAL_PHOTO_ID = "murmure:photo"
FORM_PREFIX = "form:"  # a form's custom id: this, then the deep link it was opened for (or NEW_SECRET_FORM)
NEW_SECRET_FORM = "secret"  # noqa: S105 - a kind of form, not a password
REPLY_MENU = "discord.menu.reply"  # the catalog key of the cards' message menu

log = logging.getLogger(__name__)
UNKNOWN_INTERACTION = 10062  # Discord's code for an interaction past its deadline (or unknown)
BUTTON = 2  # a component interaction's component type for a button
CORE_ACTION = re.compile(ACTION_PATTERN)  # a button of the core: its custom id is the action


def actor_of(user: discord.abc.User, locale: discord.Locale | str | None = None) -> Actor:
    return Actor(PLATFORM, str(user.id), f"{DM_PREFIX}{user.id}", str(locale) if locale else None)


def _locale(interaction: discord.Interaction[Any]) -> str:
    return resolve_locale(str(interaction.locale))


async def respond(interaction: discord.Interaction[Any], responses: list[Response]) -> None:
    """Answer an interaction: edits replace the pressed message, everything else is ephemeral."""
    private = interaction.guild is not None
    deferred = interaction.response.type
    edit_after_defer = deferred is discord.InteractionResponseType.deferred_message_update
    said = False
    for response in responses:
        if isinstance(response, EditPressed) and response.card is not None:
            await _answer_card(interaction, response, response.card, after_defer=edit_after_defer)
            edit_after_defer = False
            continue
        if isinstance(response, EditPressed) and interaction.message is not None:
            if not interaction.response.is_done():
                await interaction.response.edit_message(**message_kwargs(response.message))
                await _told(interaction, response)
                continue
            if edit_after_defer:
                edit_after_defer = False
                await interaction.edit_original_response(**message_kwargs(response.message))
                await _told(interaction, response)
                continue
        message = response.message if isinstance(response, Say | EditPressed) else None
        if message is None:
            assert isinstance(response, Alert)
            message = OutgoingMessage(RichText.plain(response.text))
        kwargs = send_kwargs(message)
        if not interaction.response.is_done():
            await interaction.response.send_message(ephemeral=private, **kwargs)
        else:
            await interaction.followup.send(ephemeral=private, wait=False, **kwargs)
        said = True
        if isinstance(response, EditPressed):
            await _told(interaction, response)
    if not interaction.response.is_done():
        await interaction.response.defer()
    elif deferred is discord.InteractionResponseType.deferred_channel_message and not said:
        await interaction.delete_original_response()  # nothing to say: no "thinking..." left behind


async def _answer_card(
    interaction: discord.Interaction[Any], response: EditPressed, card: CardAnswer, *, after_defer: bool
) -> None:
    """The pressed card, edited by the answer itself (UPDATE_MESSAGE: one call, no edit through the outbox),
    or through the interaction's message once deferred; never sent as a message of its own. Whether it
    showed is told to the core (``Murmure.card_answered``), which refreshes the card through the outbox if
    it doesn't show the card as it is by then."""
    shown: OutgoingMessage | None = None
    try:
        if interaction.message is not None and not interaction.response.is_done():
            await interaction.response.edit_message(**message_kwargs(response.message))
            shown = response.message
        elif interaction.message is not None and after_defer:
            await interaction.edit_original_response(**message_kwargs(response.message))
            shown = response.message
    except Exception:
        await _card_answered(interaction, card, None)
        raise
    await _card_answered(interaction, card, shown)


async def _card_answered(
    interaction: discord.Interaction[Any], card: CardAnswer, shown: OutgoingMessage | None
) -> None:
    client = interaction.client
    if isinstance(client, MurmureClient):
        await client.murmure.card_answered(card, shown)


async def _told(interaction: discord.Interaction[Any], response: EditPressed) -> None:
    """The answer showed: the outbox's copy of it (``told``) is called off."""
    client = interaction.client
    if response.told is not None and isinstance(client, MurmureClient):
        await client.murmure.told(response.told)


async def respond_in_time(
    interaction: discord.Interaction[Any], work: Awaitable[list[Response]], form: KeptForm | None = None
) -> None:
    """The core's answer, acknowledged within Discord's deadline however long the core takes (membership
    probes over a slow network): deferred when the answer is not there within ``ACK_BUDGET``. A form's
    submission (``form``: what the member wrote) is kept before the deferral, in case the process stops before
    answering it: the next one answers with its preview."""
    client = interaction.client
    seen = client.member_seen if isinstance(client, MurmureClient) else None
    if seen is not None and isinstance(interaction.user, discord.Member):
        seen(interaction.user)  # its roles came with the click: no fetch for this member
    with client.busy() if isinstance(client, MurmureClient) else contextlib.nullcontext():
        await _respond_in_time(interaction, work, form)


async def _respond_in_time(
    interaction: discord.Interaction[Any], work: Awaitable[list[Response]], form: KeptForm | None
) -> None:
    task = asyncio.ensure_future(work)
    # a form's text kept at once, beside its use case: by the deferral (if any) it is long kept, and a process
    # that stops even before acknowledging it leaves it to the next one, which sends its preview
    keeping = _form_kept(interaction, form) if form is not None else None
    kept: Told | None = None
    try:
        done, _ = await asyncio.wait({task}, timeout=ACK_BUDGET)
        if not done and not interaction.response.is_done():
            updates = interaction.type is discord.InteractionType.component or (
                interaction.type is discord.InteractionType.modal_submit and interaction.message is not None
            )
            if keeping is not None:  # waited for within Discord's deadline for the deferral
                await asyncio.wait({keeping}, timeout=KEEP_BUDGET)
            if updates:
                await interaction.response.defer()  # the pressed message may be edited afterwards
            else:
                await interaction.response.defer(ephemeral=interaction.guild is not None, thinking=True)
            if keeping is not None:
                kept = await keeping
            elif not updates:
                kept = await _answer_kept(interaction)
        await respond(interaction, await _worked(interaction, task, kept))
        if kept is None and keeping is not None:
            kept = await keeping  # answered in time: what was kept is called off
        if kept is not None:
            await _told_kept(interaction, kept)
    except discord.NotFound as error:
        if error.code != UNKNOWN_INTERACTION:
            raise
        # Discord's 3 s for the first answer had passed (a process starved of CPU, or the network): the
        # member's client says the bot did not respond, and what the use case did stands
        await asyncio.wait({task})
        if not task.cancelled() and task.exception() is None:  # read: the core logs a use case's failure
            for response in task.result():
                if isinstance(response, EditPressed) and response.card is not None:
                    await _card_answered(interaction, response.card, None)  # refreshed by the outbox
        log.warning("an interaction's first answer came after Discord's deadline; it was not shown")


async def _worked(
    interaction: discord.Interaction[Any], task: asyncio.Future[list[Response]], kept: Told | None
) -> list[Response]:
    """The use case's answers, once done; meanwhile, every ``STILL_WORKING_EVERY``, the answer ``kept`` for
    a stopped process is put off (``Murmure.still_waiting``): this one still works on it."""
    client = interaction.client
    while kept is not None and isinstance(client, MurmureClient):
        done, _ = await asyncio.wait({task}, timeout=STILL_WORKING_EVERY)
        if done:
            break
        await client.murmure.still_waiting(kept)
    return await task


async def _answer_kept(interaction: discord.Interaction[Any]) -> Told | None:
    """A deferral shows "thinking…" until the answer replaces it, for ever if the process stops first: the
    outbox answers it a while later at its follow-up (``Murmure.answer_waiting``) unless the answer shows
    first. A form's text is not kept: the member is asked to send it again."""
    client = interaction.client
    if not isinstance(client, MurmureClient):
        return None
    return await client.murmure.answer_waiting(
        PLATFORM,
        f"{FOLLOWUP_PREFIX}{interaction.application_id}/{interaction.token}",
        _locale(interaction),
        form=interaction.type is discord.InteractionType.modal_submit,
    )


def _form_kept(interaction: discord.Interaction[Any], form: KeptForm) -> asyncio.Future[Told | None] | None:
    """The form's text kept with the answer the outbox sends in case this process stops before answering
    (``Murmure.answer_waiting``), started as the submission comes: Discord never sends a submission again.
    A deferral waits for it ``KEEP_BUDGET`` at most, within Discord's deadline."""
    client = interaction.client
    if not isinstance(client, MurmureClient):
        return None
    return asyncio.ensure_future(
        client.murmure.answer_waiting(
            PLATFORM,
            f"{FOLLOWUP_PREFIX}{interaction.application_id}/{interaction.token}",
            _locale(interaction),
            form=True,
            kept=form,
        )
    )


async def _told_kept(interaction: discord.Interaction[Any], kept: Told) -> None:
    client = interaction.client
    if isinstance(client, MurmureClient):
        await client.murmure.told(kept)


class TextModal(discord.ui.Modal):
    """The form for a secret (from /secret or the welcome's button) or a reply (from a card's Reply button).
    Its custom id says what it was opened for (``form_id``): a submission is read from the interaction alone
    (``submit_form``), so a form open while the process restarts is still posted, its text kept. A secret's
    form also takes one photo (optional): fetched within the size limit, re-encoded by the core, never passed
    on as it came."""

    def __init__(self, locale: str, payload: str | None = None) -> None:
        link = decode_link(payload) if payload is not None else None
        reply = link is not None and link.form is Form.REPLY
        super().__init__(
            title=t_on(PLATFORM, locale, "discord.modal_reply" if reply else "discord.modal_secret"),
            custom_id=form_id(payload),
        )
        self.photo: discord.ui.FileUpload[TextModal] | None = None
        label = t_on(PLATFORM, locale, "discord.modal_label")
        self.text: discord.ui.TextInput[TextModal] = discord.ui.TextInput(
            label=label if reply else None,
            style=discord.TextStyle.paragraph,
            max_length=SECRET_MAX,
            custom_id=MODAL_TEXT_ID,
        )
        if reply:
            self.add_item(self.text)
            return
        self.add_item(discord.ui.Label(text=label, component=self.text))
        self.photo = discord.ui.FileUpload(
            custom_id=MODAL_PHOTO_ID, required=False, min_values=0, max_values=1
        )
        self.add_item(
            discord.ui.Label(
                text=t_on(PLATFORM, locale, "discord.modal_photo"),
                description=t_on(PLATFORM, locale, "discord.modal_photo_about"),
                component=self.photo,
            )
        )


def form_id(payload: str | None) -> str:
    """A form's custom id: the deep link it was opened for (a reply's carries the reply's random token), or
    a new secret's form."""
    return f"{FORM_PREFIX}{payload if payload is not None else NEW_SECRET_FORM}"


async def open_form(interaction: discord.Interaction[Any], payload: str | None = None) -> None:
    """Opens a form. discord.py keeps every modal it sends until it is submitted (never, if the member walks
    away): this one is let go at once, its submission handled by ``submit_form`` in every case."""
    modal = TextModal(_locale(interaction), payload)
    await interaction.response.send_modal(modal)
    modal.stop()


def _form_component(components: object, custom_id: str) -> dict[str, Any] | None:
    """The form's component with this custom id, wherever a client put it (an action row, or a label)."""
    if not isinstance(components, list):
        return None
    for component in components:
        if not isinstance(component, dict):
            continue
        if component.get("custom_id") == custom_id:
            return component
        inner = component.get("components")
        found = _form_component(inner if isinstance(inner, list) else [component.get("component")], custom_id)
        if found is not None:
            return found
    return None


def _form_text(components: object) -> str | None:
    """The value of the form's text input, if any."""
    component = _form_component(components, MODAL_TEXT_ID)
    value = component.get("value") if component is not None else None
    return value if isinstance(value, str) else None


def _form_upload(interaction: discord.Interaction[Any], data: dict[str, Any]) -> discord.Attachment | None:
    """The photo uploaded with the form, if any: the file upload's first value names an attachment that the
    submission's ``resolved.attachments`` describes (one the submission does not describe is ignored)."""
    component = _form_component(data.get("components"), MODAL_PHOTO_ID)
    values = component.get("values") if component is not None else None
    if not isinstance(values, list) or not values:
        return None
    resolved = data.get("resolved")
    attachments = resolved.get("attachments") if isinstance(resolved, dict) else None
    described = attachments.get(str(values[0])) if isinstance(attachments, dict) else None
    if not isinstance(described, dict):
        return None
    try:
        return discord.Attachment(data=described, state=interaction._state)  # type: ignore[arg-type]
    except (KeyError, TypeError, ValueError):
        return None


async def submit_form(client: MurmureClient, interaction: discord.Interaction[Any]) -> None:
    """A form submitted, opened by this process or by the one before a restart: its text (and a new secret's
    photo) goes to the core as a new secret, or as written for the deep link the form's custom id names. A
    form this bot never opens (forged, or from a version that named them otherwise) is answered as a stale
    button is."""
    data: dict[str, Any] = dict(interaction.data or {})
    custom_id = str(data.get("custom_id", ""))
    text = _form_text(data.get("components"))
    payload = custom_id.removeprefix(FORM_PREFIX)
    link = decode_link(payload) if re.fullmatch(LINK_PATTERN, payload) else None
    actor = actor_of(interaction.user, interaction.locale)
    upload = _form_upload(interaction, data) if link is None or link.form is not Form.REPLY else None
    if not custom_id.startswith(FORM_PREFIX) or text is None or (payload != NEW_SECRET_FORM and link is None):
        await interaction.response.send_message(
            t_on(PLATFORM, _locale(interaction), "error.stale"), ephemeral=interaction.guild is not None
        )
    elif upload is not None:
        post = link if isinstance(link, PostLink) else None
        await respond_in_time(interaction, _picture(client, actor, upload, text, post))
    elif link is None:
        await respond_in_time(interaction, client.murmure.text(actor, text), KeptForm(actor, "", text))
    else:
        await respond_in_time(
            interaction, client.murmure.write(actor, link, text), KeptForm(actor, payload, text)
        )


async def _picture(
    client: MurmureClient, actor: Actor, upload: discord.Attachment, text: str, link: PostLink | None
) -> list[Response]:
    """The uploaded file, fetched only within the size limit (the core says why not beyond it)."""
    if upload.size > pictures.MAX_BYTES:
        return await client.murmure.picture(actor, None, text, upload.size, link)
    data = await _fetched(upload)
    if data is None:
        return await client.murmure.picture_not_fetched(actor)
    return await client.murmure.picture(actor, data, text, upload.size, link)


async def _fetched(attachment: discord.Attachment) -> bytes | None:
    """An attachment's bytes from Discord's CDN, tried again when it fails for a moment; None when it still
    fails or is gone (the member is asked to send it again)."""
    return await _tried_again(
        lambda: asyncio.wait_for(attachment.read(), FETCH_SECONDS),
        (aiohttp.ClientError, discord.HTTPException, TimeoutError),
        "a photo could not be fetched",
        final=(discord.NotFound, discord.Forbidden),
    )


async def _tried_again(
    step: Callable[[], Awaitable[T]],
    transient: tuple[type[Exception], ...],
    what: str,
    *,
    final: tuple[type[Exception], ...] = (),
) -> T | None:
    """``step``, tried again after each of ``SEND_RETRY_PAUSES`` while it fails with one of ``transient`` (one
    of ``final`` ends it at once); None, logged as ``what``, once it still fails."""
    for pause in (*SEND_RETRY_PAUSES, None):
        try:
            return await step()
        except transient as error:
            if pause is None or isinstance(error, final):
                log.warning("discord: %s: %s", what, where(error))
                return None
            await asyncio.sleep(pause)
    return None  # not reached: the last pause is None


async def _press(interaction: discord.Interaction[Any], data: str) -> None:
    client = interaction.client
    assert isinstance(client, MurmureClient)
    actor = actor_of(interaction.user, interaction.locale)
    # the message pressed: a reaction on the card itself is answered with the card (its new counts)
    pressed = str(interaction.message.id) if interaction.message is not None else None
    await respond_in_time(interaction, client.murmure.press(actor, data, pressed))


async def _follow(interaction: discord.Interaction[Any], payload: str) -> None:
    """A deep link: one that opens a form (a reply, a secret) opens a modal; the others are answered
    privately as the DM would answer them (Report lists reasons)."""
    client = interaction.client
    assert isinstance(client, MurmureClient)
    link = decode_link(payload)
    actor = actor_of(interaction.user, interaction.locale)
    if link is not None and link.form is not None:
        try:
            # a member who may not write (banned there) is told before writing a whole reply
            refusal = await asyncio.wait_for(client.murmure.may_open(actor, link), ACK_BUDGET)
        except TimeoutError:
            refusal = []  # too slow to wait for: the form opens, and what is written is checked anyway
        if refusal:
            await respond(interaction, refusal)
        else:
            await open_form(interaction, payload)
    else:
        await respond_in_time(interaction, client.murmure.start(actor, payload))


class LinkButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]], template=f"link:(?P<payload>{LINK_PATTERN})"
):
    """The core's deep links: one that opens a form (a reply, a secret) opens a modal; the others are
    answered privately as the DM would answer them (Report lists reasons)."""

    def __init__(self, payload: str) -> None:
        super().__init__(discord.ui.Button(label="·", custom_id=f"{LINK_PREFIX}{payload}"))
        self.payload = payload

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str]
    ) -> LinkButton:
        return cls(match["payload"])

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        await _follow(interaction, self.payload)


class ChoiceMenu(discord.ui.DynamicItem[discord.ui.Select[Any]], template=rf"{MENU_PREFIX}(?P<index>\d+)"):
    """Choices too many for buttons (``render.layout``): each option's value is the custom id the button
    would have had, so a choice is handled exactly as a click on it."""

    def __init__(self, index: int) -> None:
        super().__init__(discord.ui.Select(custom_id=f"{MENU_PREFIX}{index}", options=[]))

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str]
    ) -> ChoiceMenu:
        return cls(int(match["index"]))

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        data: dict[str, Any] = dict(interaction.data or {})
        values = data.get("values") or []
        chosen = str(values[0]) if isinstance(values, list) and values else ""
        if chosen.startswith(LINK_PREFIX) and re.fullmatch(LINK_PATTERN, chosen.removeprefix(LINK_PREFIX)):
            await _follow(interaction, chosen.removeprefix(LINK_PREFIX))
        elif re.fullmatch(ACTION_PATTERN, chosen):
            await _press(interaction, chosen)
        else:
            await interaction.response.send_message(
                t_on(PLATFORM, _locale(interaction), "error.stale"), ephemeral=interaction.guild is not None
            )


def guard_parsers(parsers: dict[str, Callable[[Any], None]]) -> None:
    """discord.py reads each gateway event in a parser that indexes the payload directly: one event it can't
    read (a field missing or of another type) raises out of the gateway's read loop, and the client stops
    listening for good, silently. Each parser is wrapped: such an event is skipped with one log line naming
    its type only, never its content."""
    for event, parse in list(parsers.items()):
        if getattr(parse, "__wrapped__", None) is None:
            parsers[event] = _guarded(event, parse)


def _guarded(event: str, parse: Callable[[Any], None]) -> Callable[[Any], None]:
    def guarded(data: Any) -> None:
        try:
            parse(data)
        except Exception as error:
            log.warning("discord: a %s event the library can't read was skipped: %s", event, where(error))

    guarded.__wrapped__ = parse  # type: ignore[attr-defined]
    return guarded


def configure_endpoints(api_base_url: object, gateway_url: object) -> None:
    """Point discord.py at an API proxy (or the test emulator); discord.py holds both process-wide."""
    if api_base_url:
        discord.http.Route.BASE = str(api_base_url).rstrip("/")
    if gateway_url:
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(str(gateway_url))


class MurmureClient(discord.Client):
    murmure: Murmure

    def __init__(self, *, dev_guilds: tuple[int, ...] = (), **options: Any) -> None:
        super().__init__(intents=INTENTS, allowed_mentions=discord.AllowedMentions.none(), **options)
        self.tree = app_commands.CommandTree(self)
        self._dev_guilds = dev_guilds
        self._handling: set[asyncio.Task[Any]] = set()
        # told of the member each interaction in a server brings (the directory keeps them a while)
        self.member_seen: Callable[[discord.Member], None] | None = None
        install_commands(self)
        guard_parsers(self._connection.parsers)

    def attach(self, murmure: Murmure) -> None:
        self.murmure = murmure

    async def setup_hook(self) -> None:
        self.add_dynamic_items(LinkButton, ChoiceMenu)
        await self.tree.set_translator(CatalogTranslator())
        if self._dev_guilds:
            for guild_id in self._dev_guilds:
                guild = discord.Object(guild_id)
                self.tree.copy_global_to(guild=guild)
                await self.tree.sync(guild=guild)
        else:
            await self.tree.sync()

    async def on_interaction(self, interaction: discord.Interaction[Any]) -> None:
        """Every form submitted (``submit_form``); every press on a button of the core (its custom id is the
        action, parsed and authorised by the core at each click, so buttons on cards posted before a restart
        keep working): handled here, not as a dynamic item, for which discord.py would rebuild the whole
        message's view at every click; and a click whose custom id is not on the message (a forged or
        outdated client): discord.py would drop it silently and the member would see "This interaction
        failed". Answer it, change nothing. Deep links and menus are dynamic items (``LinkButton``,
        ``ChoiceMenu``)."""
        if interaction.type is discord.InteractionType.modal_submit:
            await submit_form(self, interaction)
            return
        if interaction.type is not discord.InteractionType.component or interaction.message is None:
            return
        data: dict[str, Any] = dict(interaction.data or {})
        wanted = data.get("custom_id")
        present = {
            getattr(child, "custom_id", None)
            for row in interaction.message.components
            for child in getattr(row, "children", [row])
        }
        if wanted not in present:
            await interaction.response.send_message(
                t_on(PLATFORM, _locale(interaction), "error.stale"), ephemeral=interaction.guild is not None
            )
        elif (
            isinstance(wanted, str) and data.get("component_type") == BUTTON and CORE_ACTION.fullmatch(wanted)
        ):
            await _press(interaction, wanted)

    @contextlib.contextmanager
    def busy(self) -> Iterator[None]:
        """While a member's event is being handled: ``drain`` waits for it before the client closes."""
        task = asyncio.current_task()
        if task is None:
            yield
            return
        self._handling.add(task)
        try:
            yield
        finally:
            self._handling.discard(task)

    async def drain(self, within: float) -> None:
        """Waits (up to ``within`` seconds) for the events being handled, so that stopping the process
        doesn't cut a member's answer off half-way."""
        deadline = asyncio.get_running_loop().time() + within
        while self._handling and asyncio.get_running_loop().time() < deadline:
            await asyncio.wait(set(self._handling), timeout=deadline - asyncio.get_running_loop().time())

    async def on_message(self, message: discord.Message) -> None:
        with self.busy():
            await self._on_message(message)

    async def _on_message(self, message: discord.Message) -> None:
        """A DM to the bot: a secret to preview, or a command typed as text."""
        if (
            message.guild is not None
            or message.author.bot
            or not isinstance(message.channel, discord.DMChannel)
        ):
            return
        actor = actor_of(message.author)
        text = message.content or ""
        if text.startswith("/") and len(text) > 1:
            name, _, argument = text[1:].partition(" ")
            responses = await self.murmure.command(actor, name, argument.strip())
        elif photo := next((a for a in message.attachments if _is_image(a)), None):
            # fetched only within the size limit; re-encoded by the core, uploaded anew with the card
            if photo.size > pictures.MAX_BYTES:
                responses = await self.murmure.picture(actor, None, text, photo.size)
            elif (data := await _fetched(photo)) is None:
                responses = await self.murmure.picture_not_fetched(actor)
            else:
                responses = await self.murmure.picture(actor, data, text, photo.size)
        elif message.attachments and not text:
            responses = await self.murmure.not_text(actor)
        else:
            responses = await self.murmure.text(actor, text)
        for response in responses:
            if isinstance(response, Say | EditPressed):
                await _send_retried(message.channel, send_kwargs(response.message))
            elif isinstance(response, Alert):
                await _send_retried(
                    message.channel,
                    {"content": response.text, "allowed_mentions": discord.AllowedMentions.none()},
                )


async def _send_retried(channel: discord.abc.Messageable, kwargs: dict[str, Any]) -> None:
    """An answer in a member's DM, tried again when the connection failed for a moment (discord.py retries
    only some network errors: a connection the server closed as it was reused fails at once)."""
    await _tried_again(
        lambda: channel.send(**kwargs),
        (aiohttp.ClientConnectionError, discord.DiscordServerError),
        "an answer in a DM could not be sent",
    )


def _is_image(attachment: discord.Attachment) -> bool:
    kind = attachment.content_type or ""
    return kind.startswith("image/") or attachment.filename.lower().endswith(IMAGE_SUFFIXES)


IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".webp", ".gif", ".bmp")

_TRANSLATED = {
    app_commands.TranslationContextLocation.command_name,  # context menus' names too
    app_commands.TranslationContextLocation.command_description,
    app_commands.TranslationContextLocation.group_name,
    app_commands.TranslationContextLocation.group_description,
    app_commands.TranslationContextLocation.parameter_description,
}


def _name(name: str) -> app_commands.locale_str:
    return app_commands.locale_str(name, key=f"discord.name.{name}")


class CatalogTranslator(app_commands.Translator):
    """Command names and descriptions in the user's language, from the catalogs (Discord still sends the
    English name in interactions, so handlers don't change)."""

    async def translate(
        self,
        string: app_commands.locale_str,
        locale: discord.Locale,
        context: app_commands.TranslationContext[Any, Any],
    ) -> str | None:
        key = string.extras.get("key")
        if not key or context.location not in _TRANSLATED:
            return None
        lang = resolve_locale(str(locale))
        return t_on(PLATFORM, lang, key) if lang != "en" else None


def _describe(key: str) -> app_commands.locale_str:
    return app_commands.locale_str(t_on(PLATFORM, "en", key), key=key)


async def _fetch_member(guild: discord.Guild, user_id: str) -> discord.Member | None:
    try:
        return await guild.fetch_member(int(user_id))
    except (discord.NotFound, discord.Forbidden):
        return None


def install_commands(client: MurmureClient) -> None:
    """The declared commands Discord offers: members' ones at the top, admins' ones under /murmure."""
    tree = client.tree

    async def secret(interaction: discord.Interaction[Any]) -> None:
        await open_form(interaction)

    async def digest(
        interaction: discord.Interaction[Any], time: str | None = None, zone: str | None = None
    ) -> None:
        """``/digest`` with its options: when the member's daily DM digest comes (answered privately)."""
        actor = actor_of(interaction.user, interaction.locale)
        argument = " ".join(value.strip() for value in (time, zone) if value and value.strip())
        await respond_in_time(interaction, client.murmure.command(actor, commands.DIGEST.name, argument))

    for command in commands_for(Place.PRIVATE, FEATURES):
        if command is commands.SECRET:
            tree.add_command(_slash(command, secret))
        elif command is commands.DIGEST:
            tree.add_command(_slash(command, digest))
        else:
            _member_command(client, command)

    async def reply_anonymously(interaction: discord.Interaction[Any], message: discord.Message) -> None:
        """A card's message menu (Apps > Reply anonymously): what its Reply button does."""
        payload = reply_payload(message)
        if payload is None:
            await interaction.response.send_message(
                t_on(PLATFORM, _locale(interaction), "discord.not_a_card"), ephemeral=True
            )
        else:
            await _follow(interaction, payload)

    menu = app_commands.ContextMenu(
        name=app_commands.locale_str(t_on(PLATFORM, "en", REPLY_MENU), key=REPLY_MENU),
        callback=reply_anonymously,
        allowed_contexts=app_commands.AppCommandContext(guild=True),
    )
    tree.add_command(menu)

    async def setup(interaction: discord.Interaction[Any], moderators: discord.TextChannel) -> None:
        channel, guild, user = interaction.channel, interaction.guild, interaction.user
        locale = _locale(interaction)
        if guild is None or channel is None or not isinstance(user, discord.Member):
            return
        if not user.guild_permissions.manage_guild:
            await interaction.response.send_message(
                t_on(PLATFORM, locale, "discord.needs_manage_server"), ephemeral=True
            )
            return
        if moderators.id == channel.id or moderators.permissions_for(guild.default_role).view_channel:
            # the queue shows reported and held secrets: never in the community's channel or a public one
            await interaction.response.send_message(
                t_on(PLATFORM, locale, "discord.moderators_private"), ephemeral=True
            )
            return
        if not isinstance(channel, discord.abc.GuildChannel) or not readable_by_everyone(channel):
            # the minimum audience can't be checked where the readers can't be counted: refused here,
            # at setup, rather than at every member's Post
            await interaction.response.send_message(
                t_on(PLATFORM, locale, "discord.readers_uncountable"), ephemeral=True
            )
            return

        async def finish() -> list[Response]:
            """Checks that ask Discord (one member at a time) and the registration, past the deadline if
            they must: ``respond_in_time`` defers the interaction first."""
            if not await only_admins_read(moderators, channel, lambda user_id: _fetch_member(guild, user_id)):
                # the queue shows held secrets: a role or member who doesn't administer the community can't
                # read it (checked again before each item goes out)
                return _said(locale, "discord.moderators_not_admins")
            ref = community_ref(guild.id, channel.id)
            title = f"{guild.name} #{getattr(channel, 'name', channel.id)}"
            await client.murmure.register_community(PLATFORM, ref, title)
            await client.murmure.link_moderation_chat(PLATFORM, ref, community_ref(guild.id, moderators.id))
            return _said(locale, "discord.setup_done", community=title, moderators=f"#{moderators.name}")

        await respond_in_time(interaction, finish())

    async def settings(interaction: discord.Interaction[Any]) -> None:
        await _about_this_channel(interaction, client.murmure.settings)

    async def audit(interaction: discord.Interaction[Any], page: str | None = None) -> None:
        await _about_this_channel(
            interaction, lambda actor, ref: client.murmure.audit(actor, ref, page or "")
        )

    def sanction(name: str) -> Callable[..., Awaitable[None]]:
        async def run(interaction: discord.Interaction[Any], **arguments: str | None) -> None:
            argument = " ".join(value for value in arguments.values() if value)
            await _about_this_channel(
                interaction, lambda actor, ref: client.murmure.sanction(actor, ref, name, argument)
            )

        return run

    async def remove(interaction: discord.Interaction[Any], number: str) -> None:
        await sanction("remove")(interaction, number=number)

    async def ban(interaction: discord.Interaction[Any], number: str, duration: str | None = None) -> None:
        await sanction("ban")(interaction, number=number, duration=duration)

    async def unban(interaction: discord.Interaction[Any], ban: str) -> None:
        await sanction("unban")(interaction, ban=ban)

    async def bans(interaction: discord.Interaction[Any]) -> None:
        await sanction("bans")(interaction)

    async def words(interaction: discord.Interaction[Any], action: str, term: str | None = None) -> None:
        await sanction("words")(interaction, action=action, term=term)

    async def stats(interaction: discord.Interaction[Any]) -> None:
        await sanction("stats")(interaction)

    group = app_commands.Group(
        name=_name("murmure"),
        description=_describe("command.murmure"),
        default_permissions=discord.Permissions(manage_guild=True),
        guild_only=True,
    )
    for_admins: dict[Command, Any] = {
        commands.SETUP: setup,
        commands.SETTINGS: settings,
        commands.AUDIT: audit,
        commands.REMOVE: remove,
        commands.BAN: ban,
        commands.UNBAN: unban,
        commands.BANS: bans,
        commands.WORDS: words,
        commands.STATS: stats,
    }
    for command in commands_for(Place.GROUP, FEATURES) + commands_for(Place.ADMIN, FEATURES):
        group.add_command(_slash(command, for_admins[command]))
    tree.add_command(group)


def reply_payload(message: discord.Message) -> str | None:
    """The payload of a card's Reply button, if the message is a card of this bot that takes replies."""
    for row in message.components:
        for child in getattr(row, "children", ()):
            custom_id = getattr(child, "custom_id", None) or ""
            payload = custom_id.removeprefix(LINK_PREFIX)
            if custom_id.startswith(LINK_PREFIX) and isinstance(decode_link(payload), ReplyLink):
                return payload
    return None


def _said(locale: str, key: str, /, **params: object) -> list[Response]:
    return [Say(OutgoingMessage(RichText.plain(t_on(PLATFORM, locale, key, **params))))]


def _slash(command: Command, callback: Any) -> app_commands.Command[Any, Any, Any]:
    """A slash command from its declaration: name, description and arguments' descriptions."""
    described = app_commands.describe(**{a.name: _describe(a.description_key) for a in command.arguments})
    return app_commands.Command(
        name=_name(command.name), description=_describe(command.description_key), callback=described(callback)
    )


async def _about_this_channel(
    interaction: discord.Interaction[Any], use_case: Callable[[Actor, str], Awaitable[list[Response]]]
) -> None:
    """A moderators' command about the community of the channel it is run in."""
    if interaction.guild is None or interaction.channel is None:
        return
    ref = community_ref(interaction.guild.id, interaction.channel.id)
    await respond_in_time(interaction, use_case(actor_of(interaction.user, interaction.locale), ref))


def _member_command(client: MurmureClient, command: Command) -> None:
    async def run(interaction: discord.Interaction[Any]) -> None:
        actor = actor_of(interaction.user, interaction.locale)
        await respond_in_time(interaction, client.murmure.command(actor, command.name))

    client.tree.add_command(_slash(command, run))
