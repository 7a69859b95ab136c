"""A one-line progress display on stderr (no dependency)."""
import sys
import time


class Progress:
    def __init__(self, total, label):
        self.total, self.label, self.done, self.start, self.last = max(total, 1), label, 0, time.time(), 0.0

    def step(self, n=1):
        self.done += n
        now = time.time()
        if now - self.last > 0.5 or self.done >= self.total:
            self.last = now
            frac = self.done / self.total
            bar = "#" * int(frac * 30)
            rate = self.done / max(now - self.start, 1e-6)
            eta = (self.total - self.done) / max(rate, 1e-6)
            sys.stderr.write(f"\r  {self.label:<12} [{bar:<30}] {self.done}/{self.total}  {rate:6.1f}/s  eta {eta:5.0f}s ")
            sys.stderr.flush()
            if self.done >= self.total:
                sys.stderr.write("\n")
