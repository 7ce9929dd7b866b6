"""/api/docs/ (issue 11) keeps the site's CSP: Swagger UI starts from static files, with
no inline script or style, so the policy needs no nonce and no 'unsafe-inline'. The
browser proof is tests/e2e/test_api_docs.py; this one runs in every pass."""

import json
import re
from html import unescape

from django.contrib.staticfiles import finders
from django.test import Client


def test_api_docs_page_has_no_inline_script_or_style_and_the_sites_own_policy(
    client: Client,
) -> None:
    response = client.get("/api/docs/")

    assert response.status_code == 200
    assert response["Content-Security-Policy"] == client.get("/sign-in/")["Content-Security-Policy"]
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    html = response.content.decode()
    scripts = re.findall(r"<script[^>]*>", html)
    assert len(scripts) == 3
    assert all(" src=" in tag for tag in scripts)
    assert re.search(r"<style|\sstyle=", html) is None
    assert "/static/js/api-docs.js" in html and "/static/css/api-docs.css" in html
    assert finders.find("js/api-docs.js") and finders.find("css/api-docs.css")


def test_api_docs_settings_load_nothing_from_elsewhere(client: Client) -> None:
    html = client.get("/api/docs/").content.decode()

    match = re.search(r'data-settings="([^"]*)"', html)
    assert match is not None
    settings = json.loads(unescape(match[1]))
    assert settings == {"deepLinking": True, "validatorUrl": None, "syntaxHighlight": False}
