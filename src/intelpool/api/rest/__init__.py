"""REST routers, one module per domain, each exposing ``router`` (an APIRouter).

To add a domain, add a module here: ``router = APIRouter(tags=["name"])`` and routes whose
caller is a ``requires(Permission.X)`` dependency (see ``intelpool.api.deps``) calling the
domain's services. The app includes it under /api/v1 by itself.
"""
