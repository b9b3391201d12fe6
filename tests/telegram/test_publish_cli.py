"""`sticker-studio pack publish` as a user runs it: a separate process, killed at random moments
and run again, flood waits, edits; one-line errors; the token in no output and no file."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.telegram.publish_helpers import TOKEN, USER_ID, assert_set_equals_pack, write_pack

ROOT = Path(__file__).resolve().parents[2]


class Cli:
    """Runs the command with an empty HOME, no keyring and the token only in the environment."""

    def __init__(self, tmp_path: Path, fake) -> None:
        self.home = tmp_path / "home"
        self.home.mkdir()
        self.fake = fake
        self.outputs: list[str] = []

    def env(self, token: str | None = TOKEN) -> dict:
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": str(self.home),
            "PYTHONPATH": str(ROOT),
            "LANG": "C.UTF-8",
            "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
        }
        if token is not None:
            env["TELEGRAM_BOT_TOKEN"] = token
        return env

    def args(
        self, folder: Path, *extra: str, user_id: int = USER_ID, verbose: bool = False
    ) -> list[str]:
        return [
            sys.executable,
            "-m",
            "studio",
            *(["-v"] if verbose else []),
            "pack",
            "publish",
            str(folder),
            "--user-id",
            str(user_id),
            "--api-url",
            self.fake.url,
            *extra,
        ]

    def run(self, folder: Path, *extra: str, token: str | None = TOKEN, **kw):
        result = subprocess.run(
            self.args(folder, *extra, **kw),
            env=self.env(token),
            capture_output=True,
            text=True,
            timeout=300,
        )
        self.outputs += [result.stdout, result.stderr]
        return result

    def run_killed(self, folder: Path, after_writes: int) -> None:
        """Start a publish and SIGKILL it once the server has seen `after_writes` more writes."""
        start = len(self.fake.write_calls())
        process = subprocess.Popen(
            self.args(folder),
            env=self.env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        deadline = time.monotonic() + 120
        while process.poll() is None and time.monotonic() < deadline:
            if len(self.fake.write_calls()) - start >= after_writes:
                process.send_signal(signal.SIGKILL)
                break
            time.sleep(0.002)
        out, err = process.communicate(timeout=60)
        self.outputs += [out, err]

    def assert_token_nowhere(self) -> None:
        for text in self.outputs:
            assert TOKEN not in text
        secret = TOKEN.encode()
        for path in self.home.rglob("*"):
            if path.is_file():
                assert secret not in path.read_bytes(), f"the token is in {path}"


@pytest.fixture
def cli(tmp_path, fake):
    return Cli(tmp_path, fake)


@pytest.mark.slow
def test_120_stickers_survive_kills_and_a_flood_wait_then_update_in_place(cli, fake, tmp_path):
    folder = write_pack(tmp_path / "pack", 120)
    rng = random.Random(23)
    fake.inject("addStickerToSet", "429", retry_after=1, skip=30)
    # Killed during the uploads, around the create call, and among the additions.
    for point in (rng.randint(5, 45), rng.randint(3, 12), rng.randint(20, 60)):
        cli.run_killed(folder, point)
    done = cli.run(folder)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == (
        "https://t.me/addstickers/test_cats_by_studio_test_bot"
    )
    assert_set_equals_pack(fake, folder)
    assert fake.write_calls().count("createNewStickerSet") == 1

    # Edits, then an update killed half-way, then finished: in place, no create call.
    before = {
        s.file.file_unique_id for s in fake.sticker_set("test_cats_by_studio_test_bot").stickers
    }
    creates = fake.write_calls().count("createNewStickerSet")
    order = list(range(119, -1, -1))[:-3] + [120, 121]  # reversed, three removed, two new
    write_pack(folder, 122, order=order, variants={50: 1}, emoji={7: ["🔥"]}, title="Cats v2")
    cli.run_killed(folder, rng.randint(2, 40))
    done = cli.run(folder)
    assert done.returncode == 0, done.stderr
    assert_set_equals_pack(fake, folder)
    assert fake.write_calls().count("createNewStickerSet") == creates
    after = {
        s.file.file_unique_id for s in fake.sticker_set("test_cats_by_studio_test_bot").stickers
    }
    assert len(before & after) == 120 - 3 - 1  # every unchanged picture is the same sticker

    writes = len(fake.write_calls())
    again = cli.run(folder)
    assert again.returncode == 0 and len(fake.write_calls()) == writes  # nothing to change
    cli.assert_token_nowhere()


@pytest.mark.slow
def test_200_emoji_survive_kills_and_a_flood_wait(cli, fake, tmp_path):
    folder = write_pack(tmp_path / "emoji", 200, kind="emoji", name="test_emoji")
    fake.inject("uploadStickerFile", "429", retry_after=1, skip=10)
    rng = random.Random(200)
    for point in (rng.randint(20, 120), rng.randint(60, 150)):
        cli.run_killed(folder, point)
    done = cli.run(folder)
    assert done.returncode == 0, done.stderr
    assert "waiting" in "".join(cli.outputs)
    assert done.stdout.strip().splitlines()[-1] == (
        "https://t.me/addemoji/test_emoji_by_studio_test_bot"
    )
    assert_set_equals_pack(fake, folder)
    assert "setStickerSetThumbnail" not in fake.write_calls()

    # Edits, an update killed half-way, then finished in place.
    name = "test_emoji_by_studio_test_bot"
    before = {s.file.file_unique_id for s in fake.sticker_set(name).stickers}
    order = [1, 0, *range(2, 190), 200, 201]  # two swapped, ten removed, two new
    write_pack(folder, 202, kind="emoji", name="test_emoji", order=order, variants={5: 1},
               keywords={9: ["nine"]})  # fmt: skip
    cli.run_killed(folder, rng.randint(2, 12))
    done = cli.run(folder)
    assert done.returncode == 0, done.stderr
    assert_set_equals_pack(fake, folder)
    assert fake.write_calls().count("createNewStickerSet") == 1
    after = {s.file.file_unique_id for s in fake.sticker_set(name).stickers}
    assert len(before & after) == 190 - 1
    cli.assert_token_nowhere()


def test_dry_run_only_reads_and_prints_the_plan(cli, fake, tmp_path):
    folder = write_pack(tmp_path / "pack", 3)
    result = cli.run(folder, "--dry-run")
    assert result.returncode == 0, result.stderr
    assert fake.write_calls() == []
    assert set(fake.calls) == {"getMe", "getStickerSet"}
    assert "createNewStickerSet with stickers 1-3" in result.stdout
    assert result.stdout.strip().splitlines()[-1].startswith("https://t.me/addstickers/")


def test_a_dropped_connection_mid_upload_is_retried(cli, fake, tmp_path):
    folder = write_pack(tmp_path / "pack", 5)
    fake.inject("uploadStickerFile", "drop", skip=2)
    done = cli.run(folder)
    assert done.returncode == 0, done.stderr
    assert "waiting" in done.stdout
    assert_set_equals_pack(fake, folder)
    cli.assert_token_nowhere()


def test_a_lost_server_ends_with_exit_2_and_a_rerun_finishes(
    fake, tmp_path, monkeypatch, capsys, studio_home
):
    from studio.cli import main
    from studio.telegram import RetryPolicy

    monkeypatch.setattr(
        "studio.telegram.client.DEFAULT_POLICY", RetryPolicy(attempts=3, first_delay_s=0.01)
    )
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
    folder = write_pack(tmp_path / "pack", 5)
    fake.inject("*", "drop", times=1000, skip=3)  # the line goes dead mid-run, for good
    args = ["pack", "publish", str(folder), "--user-id", str(USER_ID), "--api-url", fake.url]
    assert main(args) == 2
    failed = capsys.readouterr()
    assert len(failed.err.strip().splitlines()) == 1 and "publish again" in failed.err
    fake.faults.clear()
    assert main(args) == 0
    done = capsys.readouterr()
    assert_set_equals_pack(fake, folder)
    assert TOKEN not in failed.out + failed.err + done.out + done.err
    for path in studio_home.rglob("*"):
        assert not path.is_file() or TOKEN.encode() not in path.read_bytes()


@pytest.mark.parametrize(
    ("case", "expected"),
    [
        ("no-token", "TELEGRAM_BOT_TOKEN"),
        ("bad-token", "token"),
        ("not-started", "press Start"),
        ("rejected", "002.webp"),
        ("not-a-pack", "export the pack first"),
    ],
)
def test_errors_are_one_line_exit_2(cli, fake, tmp_path, case, expected):
    folder = write_pack(tmp_path / "pack", 3)
    token, user_id = TOKEN, USER_ID
    if case == "no-token":
        token = None
    elif case == "bad-token":
        token = "7000001:NotTheRightTokenAtAll"
    elif case == "not-started":
        user_id = 31337
    elif case == "rejected":
        fake.inject(
            "uploadStickerFile", "refuse", skip=1, description="Bad Request: wrong file type"
        )
    elif case == "not-a-pack":
        folder = tmp_path
    result = cli.run(folder, token=token, user_id=user_id, verbose=case == "bad-token")
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    if case == "bad-token":  # -v: the log lines go to the terminal too, still no token
        lines = [line for line in lines if not line.startswith(("INFO ", "WARNING "))]
    assert len(lines) == 1 and expected in lines[0], result.stderr
    assert "Traceback" not in result.stderr
    if token:
        assert token not in result.stdout + result.stderr
    cli.assert_token_nowhere()
