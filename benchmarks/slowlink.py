"""A slow link on loopback: a TCP proxy that adds a round-trip time and a bandwidth limit.

Between Chromium and Voila, both on this machine, it makes the connection behave like a student's
across the internet or a busy classroom Wi-Fi: every byte in either direction waits half the
round-trip time, and bytes leave no faster than the bandwidth allows (each direction has its own
link, as on a symmetric line). Used by benchmarks/bench_slowlink.py:

    with SlowLink(target_port=8866, rtt_ms=100, mbit=8) as link:
        page.goto(f"http://127.0.0.1:{link.port}/voila/render/01_....ipynb")
"""

from __future__ import annotations

import asyncio
import threading
import time

__all__ = ["SlowLink"]

_CHUNK = 16 * 1024


class SlowLink:
    """A proxy from ``port`` (chosen free on 127.0.0.1) to ``target_port``; ``rtt_ms`` and
    ``mbit`` (megabits per second each way) describe the link; ``bytes_down`` counts what the
    server sent."""

    def __init__(self, target_port: int, rtt_ms: float, mbit: float) -> None:
        if rtt_ms < 0 or mbit <= 0:
            raise ValueError(f"rtt_ms must be ≥ 0 and mbit > 0, got {rtt_ms} and {mbit}")
        self.target_port, self.delay = target_port, rtt_ms / 2000.0
        self.rate = mbit * 1e6 / 8.0  # bytes per second
        self.port = 0
        self.bytes_down = 0
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> SlowLink:
        self._thread.start()
        if not self._ready.wait(10):
            raise RuntimeError("the slow link did not start")
        return self

    def __exit__(self, *exc) -> None:
        self._loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(10)

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        self._loop.run_until_complete(self._serve())
        self._loop.close()

    async def _serve(self) -> None:
        self._stop = asyncio.Event()
        server = await asyncio.start_server(self._connect, "127.0.0.1", 0)
        self.port = server.sockets[0].getsockname()[1]
        self._ready.set()
        await self._stop.wait()
        server.close()
        tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    async def _connect(self, reader, writer) -> None:
        try:
            up_reader, up_writer = await asyncio.open_connection("127.0.0.1", self.target_port)
        except OSError:
            writer.close()
            return
        try:
            await asyncio.gather(
                self._pipe(reader, up_writer, down=False),
                self._pipe(up_reader, writer, down=True),
                return_exceptions=True,
            )
        except asyncio.CancelledError:  # the link is shut down
            pass

    async def _pipe(self, reader, writer, down: bool) -> None:
        """Carry bytes one way: each chunk is on the wire for its size over the rate, after the
        chunks before it, and arrives half a round trip after it left."""
        queue: asyncio.Queue = asyncio.Queue()
        free_at = 0.0  # when this direction's link has sent everything queued so far

        async def deliver() -> None:
            while True:
                at, data = await queue.get()
                if data is None:
                    break
                wait = at - time.monotonic()
                if wait > 0:
                    await asyncio.sleep(wait)
                writer.write(data)
                await writer.drain()
            writer.close()

        sender = asyncio.ensure_future(deliver())
        try:
            while True:
                data = await reader.read(_CHUNK)
                if not data:
                    break
                if down:
                    self.bytes_down += len(data)
                free_at = max(time.monotonic(), free_at) + len(data) / self.rate
                queue.put_nowait((free_at + self.delay, data))
        except (ConnectionError, OSError, asyncio.CancelledError):
            pass
        finally:
            queue.put_nowait((0.0, None))
            await asyncio.gather(sender, return_exceptions=True)
