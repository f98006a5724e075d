"""The README's main command: the demo plays every chapter on the local Discord and exits 0."""

from __future__ import annotations

import io
from pathlib import Path

from bot.cli import main
from bot.demo.runner import chapter_modules, play


async def test_demo_plays_every_chapter(tmp_path: Path) -> None:
    out = io.StringIO()
    demo = await play(seed=3, out=out, output_dir=tmp_path)
    transcript = out.getvalue()
    assert "studybot demo" in transcript
    assert "ada › /about" in transcript
    assert "<t:" not in transcript  # timestamps are shown readable
    assert not demo.harness.sim.errors
    assert chapter_modules()[0] == "00_welcome"
    assert chapter_modules()[-1] == "40_streaks"  # the demo ends with the leaderboard and a heatmap
    assert "/leaderboard board:current" in transcript
    heatmap = demo.notes["heatmap"]
    assert heatmap.read_bytes().startswith(b"\x89PNG") and str(heatmap) in transcript
    assert "reader in Europe/London" in transcript and " UTC" not in transcript  # Discord shows local time
    assert "— From the daily quiz" in transcript  # a member who missed the quiz gets its card next
    assert "/daily setup channel:#daily-prompts time:09:00 timezone:Europe/London role:@Daily ping" in transcript
    from bot.content import ContentStore
    from bot.settings import SHIPPED_CONTENT_DIR
    rubric_lines = {line for p in ContentStore.load(SHIPPED_CONTENT_DIR).library.prompts for line in p.rubric}
    answers = [m.payload["embeds"][0]["description"] for t in demo.guild.threads for m in t.messages
               if m.content.startswith("Answer from")]
    assert answers and not any(line in answer for answer in answers for line in rubric_lines)
    saved = (tmp_path / "transcript.md").read_text(encoding="utf-8")
    assert transcript in saved and "![heatmap.png](heatmap.png)" in saved


def test_demo_command_exits_0(tmp_path: Path, capsys) -> None:
    assert main(["demo", "--output-dir", str(tmp_path)]) == 0
    assert "Done." in capsys.readouterr().out
