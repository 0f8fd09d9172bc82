"""gunicorn settings: the gevent worker, one worker per process (Flask-SocketIO needs it).

Run more processes behind a proxy with sticky sessions and REDIS_URL set for the socket message queue.
"""

import os

bind = os.environ.get("MALL_BIND", "127.0.0.1:5000")
worker_class = "gevent"
workers = 1
# No preload_app: the app is loaded in the worker after gevent's patching, so the locks it makes
# (the SQLite writers' turn, core.db) are gevent's and a waiting request never stops the others.
worker_connections = 2000
timeout = 60
graceful_timeout = 20
accesslog = "-"
errorlog = "-"
# Several processes may run on one host (one per port); they must not share one control socket.
control_socket_disable = True
# The longest request line gunicorn accepts; the API bounds its query strings to fit in it.
limit_request_line = 8190


def post_worker_init(worker):
    """Start the auction clock in the worker, so auctions open and close on time without traffic
    (AUCTION_CLOCK_SECONDS=0 leaves it to ``flask auction clock`` elsewhere).

    The objects made while loading the application live as long as the process: they are moved
    out of the garbage collector's reach (``gc.freeze``), so that a full collection, which
    stops every connection while it runs, walks only what requests make."""
    if getattr(worker.wsgi, "name", None) != "mall.app":
        return
    import gc

    from auction.clock import start

    start(worker.wsgi)
    gc.collect()
    gc.freeze()
