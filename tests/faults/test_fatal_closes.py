"""Gateway closes Discord marks as not reconnectable stop the bot once, with one line and a status of its own."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from bot.cli.fatal import FATAL_CLOSES, GatewayStatus
from bot.clock import ManualClock
from bot.localdiscord import LocalDiscord
from bot.localdiscord.gateway_rules import Intent
from bot.localdiscord.process import BotProcess
from tests.conftest import START

pytestmark = [pytest.mark.faults, pytest.mark.slow]

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"


def _token_reset_while_running(sim: LocalDiscord) -> dict[str, str]:
    return {"after_ready": "reset the token"}  # the owner resets it in the portal, or Discord does


def _large_bot_multiple(sim: LocalDiscord) -> dict[str, str]:
    sim.gateway.shard_multiple = 16  # Discord assigned large bot sharding; 3 shards do not fit
    sim.gateway.limits.max_concurrency = 16  # which comes with a higher max_concurrency
    return {"STUDYBOT_SHARD_COUNT": "3"}


def _too_many_guilds_for_one_shard(sim: LocalDiscord) -> dict[str, str]:
    for index in range(2501):
        sim.create_guild(f"guild {index}")
    return {"STUDYBOT_SHARD_COUNT": "1"}


def _version_retired(sim: LocalDiscord) -> dict[str, str]:
    sim.gateway.versions = frozenset({11})
    return {}


def _intent_unknown_to_the_gateway(sim: LocalDiscord) -> dict[str, str]:
    sim.gateway.valid_intents &= ~Intent.GUILD_SCHEDULED_EVENTS  # one the bot asks for
    return {}


def _privileged_intent_not_enabled(sim: LocalDiscord) -> dict[str, str]:
    return {"--privileged-intent": "members"}


CASES: list[tuple[int, Callable[[LocalDiscord], dict[str, str]]]] = [
    (4004, _token_reset_while_running), (4010, _large_bot_multiple), (4011, _too_many_guilds_for_one_shard),
    (4012, _version_retired), (4013, _intent_unknown_to_the_gateway), (4014, _privileged_intent_not_enabled),
]


@pytest.mark.parametrize(("code", "arrange"), CASES, ids=[str(code) for code, _ in CASES])
async def test_a_fatal_close_stops_the_process_once_with_one_line(
        tmp_path: Path, code: int, arrange: Callable[[LocalDiscord], dict[str, str]]) -> None:
    clock = ManualClock(START)
    async with LocalDiscord(clock=clock, global_rate_limit=None) as sim:
        sim.create_guild("Study Hall").create_text_channel("daily")
        options = arrange(sim)
        after_ready = options.pop("after_ready", None)
        env = {k: v for k, v in options.items() if not k.startswith("--")}
        args = [part for k, v in options.items() if k.startswith("--") for part in (k, v)]
        bot = BotProcess(sim, clock, tmp_path / "studybot.sqlite3", env=env, args=args)
        await bot.start()
        if after_ready:
            await bot.wait_for(lambda: "start-up work done" in bot.output(), "the bot to be ready")
            sim.gateway.reset_token()
        await bot.wait_dead()
        status, line = FATAL_CLOSES[code]
        assert bot.process is not None and bot.process.returncode == status
        output = bot.output()
        assert output.count(f"studybot: {line}") == 1, output[-3000:]
        assert "Traceback" not in output
        shards = int(env.get("STUDYBOT_SHARD_COUNT", "1"))
        # Each shard tried once (the launch does not stop half-way), none tried again.
        assert sim.gateway.close_codes == [code] * shards
        assert sim.gateway.connection_count == shards


@pytest.mark.parametrize("unit_name", ["studybot.service", "studybot@.service"])
def test_the_systemd_units_do_not_restart_on_a_fatal_close(unit_name: str) -> None:
    unit = (DEPLOY / unit_name).read_text(encoding="utf-8")
    prevented = {int(s) for s in re.search(r"^RestartPreventExitStatus=(.*)$", unit, re.M).group(1).split()}  # type: ignore[union-attr]
    assert {int(status) for status, _ in FATAL_CLOSES.values()} | {int(GatewayStatus.SESSION_LIMIT)} <= prevented
    assert len({status for status, _ in FATAL_CLOSES.values()}) == len(FATAL_CLOSES)  # one status per cause


async def test_a_process_that_would_run_out_of_session_starts_does_not_identify(tmp_path: Path) -> None:
    clock = ManualClock(START)
    async with LocalDiscord(clock=clock, global_rate_limit=None) as sim:
        sim.create_guild("Study Hall")
        sim.gateway.limits.used = sim.gateway.limits.total - 1  # one start left today, two shards to start
        sim.gateway.limits.window_start = clock.now()
        bot = BotProcess(sim, clock, tmp_path / "studybot.sqlite3", env={"STUDYBOT_SHARD_COUNT": "2"})
        await bot.start()
        await bot.wait_dead()
        assert bot.process is not None and bot.process.returncode == 15
        output = bot.output()
        assert output.count("studybot: Discord allows 1 more session start(s) today and this process needs 2;") == 1
        assert "Traceback" not in output
        assert sim.gateway.connection_count == 0  # no IDENTIFY, so Discord had no reason to reset the token
