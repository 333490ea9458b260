"""Fault injection: the SPEC syntax, and a seeded planner deciding, request
by request, which faults to inject.

SPEC is a comma-separated list of key=value items (or "off"):

  seed=N                      seed of the fault RNG (default 0); setting a spec restarts the RNG
  http429=P                   HTTP 429, no Retry-After header
  http429_retry_after=P[:S]   HTTP 429 with "Retry-After: S" (S whole seconds, default 1)
  rpc429=P                    HTTP 200 whose JSON-RPC answer is a 429 error (single requests)
  batch429=P                  HTTP 200 batch answer in which one element is a 429 error
  hang=P[:D]                  the answer is held back for D (e.g. 3s, 500ms, 2.5; default 3s)
  stale_head=P[:LAG]          eth_blockNumber answers latest-LAG (default LAG 1)
  empty_logs=P                eth_getLogs answers [] although matching logs exist
  tamper_logs=P               eth_getLogs answers its logs with the first data word's last byte
                              flipped (a lying provider: a governor event's proposal id changes)
  tamper_calls=P              eth_call answers its return data with the last byte flipped (a lying
                              provider: e.g. the last voting power of a Multicall3 batch changes)
  malformed=P                 HTTP 200 whose body is cut in half (invalid JSON)
  range_limit=N               eth_getLogs over more than N blocks is refused (deterministic)
  result_limit=N              eth_getLogs matching more than N logs is refused (deterministic)
  range_hint=0|1              refusals suggest a block range that would work
  range_style=limit|hint|wide|mixed   wording of range refusals (see docs/devnet.md)

P is a probability in [0, 1], drawn per request (per eth_* call for the
per-call kinds). Requests to the path /nofaults, or with the header
X-Devnet-No-Faults: 1, are never faulted: the same node as an honest second endpoint.
"""

import random
import re
import threading
from collections import deque

PROB_KEYS = ("http429", "http429_retry_after", "rpc429", "batch429", "hang", "stale_head",
             "empty_logs", "malformed", "tamper_logs", "tamper_calls")
RANGE_STYLES = ("limit", "hint", "wide", "mixed")


class SpecError(ValueError):
    pass


def _duration(text):
    t = text.strip().lower()
    m = re.fullmatch(r"(\d+(?:\.\d+)?)(ms|s)?", t)
    if not m:
        raise SpecError(f"bad duration {text!r} (use e.g. 3s, 500ms or 2.5)")
    v = float(m.group(1))
    return v / 1000.0 if m.group(2) == "ms" else v


def _prob(key, text):
    try:
        p = float(text)
    except ValueError:
        raise SpecError(f"{key}: probability {text!r} is not a number") from None
    if not 0.0 <= p <= 1.0:
        raise SpecError(f"{key}: probability {p} is outside [0, 1]")
    return p


def _int(key, text, minimum=0):
    try:
        v = int(text)
    except ValueError:
        raise SpecError(f"{key}: {text!r} is not an integer") from None
    if v < minimum:
        raise SpecError(f"{key}: {v} is below {minimum}")
    return v


class FaultConfig:
    def __init__(self):
        self.seed = 0
        self.p = {k: 0.0 for k in PROB_KEYS}
        self.retry_after = 1
        self.hang_seconds = 3.0
        self.stale_lag = 1
        self.range_limit = None
        self.result_limit = None
        self.range_hint = False
        self.range_style = None
        self.spec = "off"

    @property
    def active(self):
        return any(self.p.values()) or self.range_limit is not None or self.result_limit is not None

    @property
    def style(self):
        if self.range_style:
            return self.range_style
        return "hint" if self.range_hint else "limit"

    @classmethod
    def parse(cls, spec):
        cfg = cls()
        if spec is None:
            return cfg
        spec = spec.strip()
        if spec in ("", "off", "none"):
            return cfg
        seen = set()
        for item in spec.split(","):
            item = item.strip()
            if not item:
                continue
            if "=" not in item:
                raise SpecError(f"item {item!r} is not key=value")
            key, value = (s.strip() for s in item.split("=", 1))
            if key in seen:
                raise SpecError(f"{key} given twice")
            seen.add(key)
            if key == "seed":
                cfg.seed = _int(key, value)
            elif key in PROB_KEYS:
                prob, _, arg = value.partition(":")
                cfg.p[key] = _prob(key, prob)
                if arg:
                    if key == "http429_retry_after":
                        cfg.retry_after = _int(key, arg.rstrip("s"), 0)
                    elif key == "hang":
                        cfg.hang_seconds = _duration(arg)
                    elif key == "stale_head":
                        cfg.stale_lag = _int(key, arg, 1)
                    else:
                        raise SpecError(f"{key} takes no ':' argument")
            elif key == "range_limit":
                cfg.range_limit = _int(key, value, 1)
            elif key == "result_limit":
                cfg.result_limit = _int(key, value, 1)
            elif key == "range_hint":
                if value not in ("0", "1", "true", "false"):
                    raise SpecError("range_hint must be 0 or 1")
                cfg.range_hint = value in ("1", "true")
            elif key == "range_style":
                if value not in RANGE_STYLES:
                    raise SpecError(f"range_style must be one of {', '.join(RANGE_STYLES)}")
                cfg.range_style = value
            else:
                raise SpecError(f"unknown fault {key!r}; known: seed, {', '.join(PROB_KEYS)}, "
                                f"range_limit, result_limit, range_hint, range_style")
        cfg.spec = spec
        return cfg

    def to_json(self):
        return {
            "spec": self.spec,
            "active": self.active,
            "seed": self.seed,
            "probabilities": dict(self.p),
            "retryAfterSeconds": self.retry_after,
            "hangSeconds": self.hang_seconds,
            "staleHeadLag": self.stale_lag,
            "rangeLimit": self.range_limit,
            "resultLimit": self.result_limit,
            "rangeHint": self.range_hint,
            "rangeStyle": self.style,
        }


class ElementPlan:
    __slots__ = ("stale", "empty_logs", "style", "tamper")

    def __init__(self):
        self.stale = False
        self.empty_logs = False
        self.style = None
        self.tamper = False


class RequestPlan:
    def __init__(self, seq):
        self.seq = seq
        self.http429 = False
        self.http429_retry_after = False
        self.hang = False
        self.malformed = False
        self.rpc429 = False
        self.batch429_index = None
        self.elements = []

    def faults(self):
        out = [k for k in ("http429", "http429_retry_after", "hang", "rpc429", "malformed") if getattr(self, k)]
        if self.batch429_index is not None:
            out.append(f"batch429[{self.batch429_index}]")
        for i, e in enumerate(self.elements):
            if e.stale:
                out.append(f"stale_head[{i}]")
            if e.empty_logs:
                out.append(f"empty_logs[{i}]")
            if e.tamper:
                out.append(f"tamper[{i}]")
        return out


class FaultInjector:
    """Draws every random number of a request at once, in a fixed order, so that
    the same seed and the same sequence of requests give the same faults."""

    def __init__(self, spec=None):
        self._lock = threading.Lock()
        self.log = deque(maxlen=10000)
        self.configure(spec)

    def configure(self, spec):
        cfg = spec if isinstance(spec, FaultConfig) else FaultConfig.parse(spec)
        with self._lock:
            self.cfg = cfg
            self.rng = random.Random(cfg.seed)
            self.requests = 0
            self.log.clear()
        return cfg

    def plan(self, methods, is_batch):
        """methods: the method name of each element (None for invalid elements)."""
        with self._lock:
            cfg, rng = self.cfg, self.rng
            self.requests += 1
            plan = RequestPlan(self.requests)
            p = cfg.p
            plan.http429 = rng.random() < p["http429"]
            plan.http429_retry_after = rng.random() < p["http429_retry_after"]
            plan.hang = rng.random() < p["hang"]
            plan.malformed = rng.random() < p["malformed"]
            if is_batch:
                hit = rng.random() < p["batch429"]
                idx = rng.randrange(len(methods)) if methods else 0
                if hit and methods:
                    plan.batch429_index = idx
            else:
                plan.rpc429 = rng.random() < p["rpc429"]
            for m in methods:
                e = ElementPlan()
                if m == "eth_blockNumber":
                    e.stale = rng.random() < p["stale_head"]
                elif m == "eth_getLogs":
                    e.empty_logs = rng.random() < p["empty_logs"]
                    e.style = rng.choice(("limit", "hint", "wide"))
                # drawn only when asked for, so that older specs keep their sequence of faults
                if m == "eth_getLogs" and p["tamper_logs"] > 0:
                    e.tamper = rng.random() < p["tamper_logs"]
                elif m == "eth_call" and p["tamper_calls"] > 0:
                    e.tamper = rng.random() < p["tamper_calls"]
                plan.elements.append(e)
            # the precedence of the HTTP-level faults: 429 first, then 429 with Retry-After
            if plan.http429:
                plan.http429_retry_after = False
            if plan.http429 or plan.http429_retry_after:
                plan.hang = plan.malformed = plan.rpc429 = False
                plan.batch429_index = None
                for e in plan.elements:
                    e.stale = e.empty_logs = e.tamper = False
            elif plan.rpc429:
                plan.malformed = False
                for e in plan.elements:
                    e.stale = e.empty_logs = e.tamper = False
            if plan.batch429_index is not None:
                e = plan.elements[plan.batch429_index]
                e.stale = e.empty_logs = e.tamper = False
            faults = plan.faults()
            if faults:
                self.log.append({"request": plan.seq, "methods": list(methods), "faults": faults})
            return plan

    def record(self, seq, methods, fault):
        with self._lock:
            self.log.append({"request": seq, "methods": list(methods), "faults": [fault]})
