"""`japanmall serve`: health, request ids in JSON logs without secrets, body limit, SIGTERM, workers."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx

from tests.wechat_processes import ServerProcess, process_env
from tests.wechat_support import WeChatHTTP, text_xml

pytest_plugins = ["tests.wechat_fixtures"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_cli(args: list[str], env: dict[str, str], cwd: Path, log: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    command = [sys.executable, "-m", "bot.cli", "serve", "--port", str(port), *args]
    with log.open("a") as err:
        process = subprocess.Popen(command, env={**os.environ, **env}, cwd=cwd, stderr=err, stdout=err)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and process.poll() is None:
        try:
            if httpx.get(url + "/healthz", timeout=1).status_code == 200:
                return process, url
        except httpx.HTTPError:
            time.sleep(0.1)
    process.kill()
    raise AssertionError(f"japanmall serve did not come up:\n{log.read_text()}")


def json_lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines() if line.startswith("{")]


def test_serve_logs_json_with_request_ids_and_no_secrets_and_stops_cleanly_on_sigterm(
    db_url, wechat_api, tmp_path, backend
):
    env = process_env(db_url, wechat_api, str(tmp_path / "files"))
    log = tmp_path / "serve.log"
    process, url = start_cli([], env, tmp_path, log)
    try:
        health = httpx.get(url + "/healthz", headers={"X-Request-ID": "probe-12345678"})
        assert health.json()["channels"] == ["wechat"] and health.headers["x-request-id"] == "probe-12345678"
        http = WeChatHTTP(url)
        secret_text = "秘密の電話番号 03-1234-5678"
        response = http.post(text_xml("o" + "s" * 27, secret_text))
        assert response.status_code == 200
        generated = response.headers["x-request-id"]
        assert len(generated) == 16
        too_big = httpx.post(url + "/healthz", content=b"x" * (1024 * 1024 + 1))
        assert too_big.status_code == 413
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=20)
    assert process.returncode in (0, -signal.SIGTERM)
    lines = json_lines(log)
    requests = [line for line in lines if line.get("msg") == "request"]
    assert {"method": "POST", "path": "/wechat", "status": 200} in [
        {k: line[k] for k in ("method", "path", "status")} for line in requests
    ]
    assert any(line.get("request_id") == "probe-12345678" for line in requests)
    assert any(line.get("request_id") == generated for line in requests)
    assert any(line.get("msg") == "server stopped cleanly" for line in lines)
    text = log.read_text()
    for secret in ("signature", "nonce=", secret_text, "03-1234-5678", "fake-app-secret"):
        assert secret not in text


def test_sigterm_lets_a_request_in_flight_finish(db_url, wechat_api, tmp_path):
    env = process_env(db_url, wechat_api, str(tmp_path / "files"), JAPANMALL_LOG_LEVEL="INFO")
    log = tmp_path / "server.log"
    server = ServerProcess(env, str(tmp_path), str(log)).start()
    http = WeChatHTTP(server.url)
    user = "o" + "t" * 27
    http.post(text_xml(user, "こんにちは"))
    result: dict[str, str | None] = {}
    request = threading.Thread(
        target=lambda: result.update(reply=http.reply(http.post(text_xml(user, "/slow 1"))))
    )
    request.start()
    time.sleep(0.3)
    server.process.send_signal(signal.SIGTERM)
    request.join(timeout=20)
    server.process.wait(timeout=20)
    assert "slept 1" in (result.get("reply") or "")
    assert any(line.get("msg") == "server stopped cleanly" for line in json_lines(log))
    try:
        httpx.get(server.url + "/healthz", timeout=1)
        raise AssertionError("still serving after SIGTERM")
    except httpx.ConnectError:
        pass


def test_several_workers_need_postgresql_and_share_it(db_url, wechat_api, tmp_path, backend):
    env = process_env(db_url, wechat_api, str(tmp_path / "files"))
    log = tmp_path / "workers.log"
    if backend == "sqlite":
        command = [sys.executable, "-m", "bot.cli", "serve", "--port", str(free_port()), "--workers", "2"]
        done = subprocess.run(
            command, env={**os.environ, **env}, cwd=tmp_path, capture_output=True, text=True
        )
        assert done.returncode == 2 and "--workers above 1 needs PostgreSQL" in done.stderr
        return
    process, url = start_cli(["--workers", "2"], env, tmp_path, log)
    try:
        http = WeChatHTTP(url)
        users = [f"o{i:02d}" + "w" * 25 for i in range(20)]
        replies = [http.reply(http.post(text_xml(user, "こんにちは"))) for user in users]
        assert all("ご用件をお選びください" in (reply or "") for reply in replies)
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)
    pids = {line.get("pid") for line in json_lines(log) if line.get("msg") == "server started"}
    assert len(pids) == 2


def test_the_single_writer_runs_steps_in_order_passes_errors_back_and_drains_on_close(app):
    import asyncio

    from storage.runner import StepRunner

    runner = StepRunner(app.engine)
    assert runner.workers == 1 if app.engine.dialect.name == "sqlite" else runner.workers == 8
    order: list[int] = []

    def step(number: int) -> int:
        time.sleep(0.01)
        order.append(number)
        if number == 3:
            raise ValueError("step 3 failed")
        return number * 10

    async def main() -> list:
        calls = [asyncio.ensure_future(runner.run(step, n)) for n in range(8)]
        await asyncio.sleep(0)  # all eight handed over, most still queued
        runner.close()  # blocks until every queued step has run
        assert sorted(order) == list(range(8))
        return await asyncio.gather(*calls, return_exceptions=True)

    results = asyncio.run(main())
    assert results[:3] == [0, 10, 20] and results[4:] == [40, 50, 60, 70]
    assert isinstance(results[3], ValueError)
    if runner.workers == 1:
        assert order == list(range(8))  # one writer: arrival order
    assert sorted(order) == list(range(8))
