"""JavaScript from the npm registry, served from node_modules (never a CDN, never committed).

Only the files named here are served; ``make`` installs them with ``npm ci --ignore-scripts``
from the committed package-lock.json.
"""

from __future__ import annotations

import os
from pathlib import Path

from fastapi import APIRouter, HTTPException
from fastapi.responses import FileResponse

# URL name -> path inside node_modules. Later pages add cytoscape, fcose and echarts here.
VENDOR_FILES = {
    "htmx.js": "htmx.org/dist/htmx.min.js",
    "cytoscape.js": "cytoscape/dist/cytoscape.min.js",
    "cytoscape-fcose.js": "cytoscape-fcose/cytoscape-fcose.js",
    "layout-base.js": "layout-base/layout-base.js",
    "cose-base.js": "cose-base/cose-base.js",
    "echarts.js": "echarts/dist/echarts.min.js",
}
STATIC_DIR = Path(__file__).parent / "static"

router = APIRouter()


def node_modules() -> Path | None:
    """INTELPOOL_NODE_MODULES, else ./node_modules, else the source checkout's."""
    candidates = [os.environ.get("INTELPOOL_NODE_MODULES"), Path.cwd() / "node_modules",
                  Path(__file__).resolve().parents[3] / "node_modules"]
    for candidate in candidates:
        if candidate and (Path(candidate) / "htmx.org").is_dir():
            return Path(candidate)
    return None


@router.api_route("/static/vendor/{name}", methods=["GET", "HEAD"], include_in_schema=False)
def vendor(name: str) -> FileResponse:
    root = node_modules()
    if name not in VENDOR_FILES or root is None or not (root / VENDOR_FILES[name]).is_file():
        raise HTTPException(404, f"{name} is not installed: run 'npm ci --ignore-scripts'")
    return FileResponse(root / VENDOR_FILES[name], media_type="text/javascript",
                        headers={"Cache-Control": "public, max-age=3600"})


@router.api_route("/static/{name}", methods=["GET", "HEAD"], include_in_schema=False)
def own(name: str) -> FileResponse:
    path = STATIC_DIR / name
    if "/" in name or not path.is_file():
        raise HTTPException(404, "no such file")
    media = {"css": "text/css", "js": "text/javascript", "svg": "image/svg+xml"}
    return FileResponse(path, media_type=media.get(path.suffix.lstrip("."), "text/plain"),
                        headers={"Cache-Control": "public, max-age=600"})
