"""Helpers shared by the per-service patches: the patch registry and time passing.

Every patch is a function registered with ``@patch("name")``; launch.py applies them all
unless ``EMULATOR_DISABLE_PATCHES`` names them (``all`` disables every one), which is how
the tests are checked to fail without their patch.

Time passing (EMULATOR.md, "Make time pass"): a resource that would be ``available`` at
once is given a transition ``{"status", "until", "then"}`` in its own stored record
(so ``/_ministack/reset`` clears it with the record). Every request to the service first
calls that service's ``tick()``, which finishes the transitions whose time has come: the
status becomes ``then`` (or the record is removed when ``then`` is None). No threads.
"""

import logging
import os
import threading
import time

logger = logging.getLogger("stackctl_emulator")

TRANSITION_KEY = "_stackctl_transition"
KINDS = ("rds", "proxy", "elasticache")

_PATCHES = []  # (name, fn) in registration order
_applied = []


def patch(name):
    def register(fn):
        _PATCHES.append((name, fn))
        return fn
    return register


def disabled_patches():
    raw = os.environ.get("EMULATOR_DISABLE_PATCHES", "")
    return {x.strip() for x in raw.split(",") if x.strip()}


def apply_patches():
    off = disabled_patches()
    for name, fn in _PATCHES:
        if "all" in off or name in off:
            logger.warning("stackctl patch %s: disabled by EMULATOR_DISABLE_PATCHES", name)
            continue
        fn()
        _applied.append(name)
    return list(_applied)


def applied_patches():
    return list(_applied)


def param(p, key, default=""):
    """A Query-API parameter (MiniStack keeps them as lists)."""
    val = p.get(key, [default])
    if isinstance(val, list):
        return val[0] if val else default
    return val


def has_param(p, key):
    return key in p and param(p, key) != ""


def is_true(p, key):
    return str(param(p, key)).lower() == "true"


# ---------------------------------------------------------------- time passing

_runtime = {}  # kind -> seconds, set through POST /_stackctl/config; cleared by reset
_lock = threading.RLock()


def _env_seconds(kind):
    for name in (f"EMULATOR_TRANSITION_SECONDS_{kind.upper()}", "EMULATOR_TRANSITION_SECONDS"):
        raw = os.environ.get(name, "").strip()
        if raw:
            try:
                return max(0.0, float(raw))
            except ValueError:
                logger.warning("ignoring %s=%r: not a number", name, raw)
    return 0.0


def transition_seconds(kind):
    with _lock:
        if kind in _runtime:
            return _runtime[kind]
        if "default" in _runtime:
            return _runtime["default"]
    return _env_seconds(kind)


def config():
    return {
        "transition_seconds": {kind: transition_seconds(kind) for kind in KINDS},
        "patches": applied_patches(),
    }


def set_config(doc):
    """Apply {"transition_seconds": {"default"|kind: seconds|null}}; null drops an override."""
    seconds = (doc or {}).get("transition_seconds", {})
    if not isinstance(seconds, dict):
        raise ValueError("transition_seconds must be an object")
    with _lock:
        for kind, value in seconds.items():
            if kind not in KINDS and kind != "default":
                raise ValueError(f"unknown kind {kind!r}; expected default or one of {', '.join(KINDS)}")
            if value is None:
                _runtime.pop(kind, None)
            else:
                _runtime[kind] = max(0.0, float(value))


def reset_config():
    with _lock:
        _runtime.clear()


def begin(record, status_key, status, kind, then="available", **extra):
    """Put record into `status` for the kind's transition time. False when time does not pass."""
    seconds = transition_seconds(kind)
    if seconds <= 0:
        return False
    record[status_key] = status
    record[TRANSITION_KEY] = {"status": status, "until": time.time() + seconds, "then": then, **extra}
    return True


def in_transition(record):
    return TRANSITION_KEY in record


def due(record, now):
    tr = record.get(TRANSITION_KEY)
    return tr is not None and now >= tr["until"]


def finish_all(store, status_key, on_removed=None, on_finished=None):
    """Finish every due transition in a MiniStack scoped store (all accounts and regions)."""
    now = time.time()
    with _lock:
        for scoped_key, record in store.all_items():
            if not due(record, now):
                continue
            tr = record.pop(TRANSITION_KEY)
            if tr["then"] is None:
                if store._data.get(scoped_key) is record:
                    store._data.pop(scoped_key, None)
                if on_removed:
                    on_removed(record, tr, scoped_key)
            else:
                record[status_key] = tr["then"]
                if on_finished:
                    on_finished(record, tr, scoped_key)
