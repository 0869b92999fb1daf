"""Start MiniStack with stackctl's patches applied.

1. import MiniStack's app and the service modules the patches touch (the app imports service
   modules lazily by name, through sys.modules, so it serves these patched modules);
2. apply every registered patch (``EMULATOR_DISABLE_PATCHES`` leaves some out);
3. wrap the ASGI app to answer ``GET|POST /_stackctl/config`` (transition seconds at run
   time) and ``GET|POST|DELETE /_stackctl/faults`` (fault injection, faults.py), and make
   ``POST /_ministack/reset`` also drop those run-time settings and fault rules;
4. wrap MiniStack's generic AWS dispatch with the fault rules (faults.py);
5. run MiniStack's own ``main()`` (binds BIND_HOST:GATEWAY_PORT, LOG_LEVEL).
"""

import json
import logging
import sys

import ministack.app as ministack_app

from . import common, faults
# Importing a patch module registers its patches (in file order: later ones wrap earlier ones).
from . import rds_patches, elasticache_patches, cloudwatch_patches, tagging_patches  # noqa: F401
from . import secretsmanager_patches, rds_cluster_patches  # noqa: F401

logger = logging.getLogger("stackctl_emulator")
CONFIG_PATH = "/_stackctl/config"
FAULTS_PATH = "/_stackctl/faults"


def _json(status, doc):
    return status, json.dumps(doc).encode()


async def _read_body(receive):
    body = b""
    while True:
        message = await receive()
        body += message.get("body", b"")
        if not message.get("more_body"):
            return body


def _handle_config(method, body):
    if method == "GET":
        return _json(200, common.config())
    if method == "POST":
        try:
            common.set_config(json.loads(body or b"{}"))
        except (ValueError, TypeError, AttributeError) as e:
            return _json(400, {"error": str(e)})
        return _json(200, common.config())
    return _json(405, {"error": "use GET or POST"})


def _handle_faults(method, body):
    if method == "GET":
        return _json(200, faults.state())
    if method == "DELETE":
        faults.clear()
        return _json(200, faults.state())
    if method == "POST":
        try:
            faults.set_rules(json.loads(body or b"{}"))
        except (ValueError, TypeError, AttributeError) as e:
            return _json(400, {"error": str(e)})
        return _json(200, faults.state())
    return _json(405, {"error": "use GET, POST or DELETE"})


ADMIN_HANDLERS = {CONFIG_PATH: _handle_config, FAULTS_PATH: _handle_faults}


def install_admin_endpoint():
    inner = ministack_app.app

    async def app(scope, receive, send):
        handler = ADMIN_HANDLERS.get(scope.get("path")) if scope.get("type") == "http" else None
        if handler is not None:
            body = await _read_body(receive)
            status, payload = handler(scope.get("method", "GET"), body)
            await send({"type": "http.response.start", "status": status,
                        "headers": [(b"content-type", b"application/json"),
                                    (b"content-length", str(len(payload)).encode())]})
            await send({"type": "http.response.body", "body": payload})
            return
        await inner(scope, receive, send)

    ministack_app.app = app

    orig_reset = ministack_app._reset_all_state

    def reset_all_state():
        orig_reset()
        common.reset_config()
        faults.clear()

    ministack_app._reset_all_state = reset_all_state


def main():
    applied = common.apply_patches()
    install_admin_endpoint()
    faults.install(ministack_app)
    logger.warning("stackctl emulator: %d patches applied: %s; transition seconds %s",
                   len(applied), ", ".join(applied) or "none", common.config()["transition_seconds"])
    sys.argv = [sys.argv[0]]
    ministack_app.main()
