"""Every page at every width (issue 16): from 360 px to desktop nothing scrolls sideways, and every
button has a name a screen reader can say (icon buttons included). The softphone's views and the
console's pages, with a seeded tenant so lists and forms are full."""
import pytest

from conftest import open_phone
from test_admin import created, open_console, tenant  # noqa: F401 (open_console is a fixture)

WIDTHS = [360, 414, 768, 1024, 1440]
UNNAMED = """() => [...document.querySelectorAll('button, [role=button], a[href]')]
  .filter((b) => b.offsetParent !== null)
  .filter((b) => !/[\\p{L}\\p{N}]/u.test((b.getAttribute('aria-label') || b.textContent || '').trim()))
  .map((b) => b.outerHTML.slice(0, 120))"""


def sideways(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


@pytest.mark.parametrize("width", WIDTHS)
def test_the_softphone_fits_every_width_and_names_every_button(browser, server, world, width):
    context, page, errors = open_phone(browser, server, width, 800, "/my/dial")
    for view in ["phone", "recents", "voicemail"]:
        page.click(f'.nav a[data-view="{view}"]')
        page.wait_for_timeout(200)
        assert sideways(page) <= 0, f"{view} at {width} px scrolls sideways by {sideways(page)} px"
        assert page.evaluate(UNNAMED) == [], (view, width)
    page.click('.nav a[data-view="phone"]')
    page.click("#audio summary")
    assert sideways(page) <= 0
    assert errors == [], errors
    context.close()


@pytest.fixture(scope="module")
def seeded(server):
    t = tenant(server, "Tyrell at every width", "rachael@tyrell-widths.test")
    trunk = created(server.call("POST", f"{t['base']}/trunks", {"name": "a carrier with a rather long name", "address": "sip.tyrell.test"},
                                t["admin"]))
    ext = created(server.call("POST", f"{t['base']}/extensions", {"number": "101", "name": "Replicant detection desk"}, t["admin"]))
    schedule = created(server.call("POST", f"{t['base']}/schedules", {"name": "Office hours", "hours": [
        {"days": ["mon", "tue", "wed", "thu", "fri"], "time_from": "09:00", "time_to": "17:00"}],
        "holidays": [{"name": "Founders' day", "date_from": "2026-11-02"}]}, t["admin"]))
    plan = created(server.call("POST", f"{t['base']}/dialplans", {"name": "Main", "rules": [
        {"priority": 1, "name": "open", "conditions": {"schedule_id": schedule["id"], "schedule_when": "during"},
         "action": {"type": "ring_extension", "extension_id": ext["id"]}},
        {"priority": 2, "name": "callers from a very particular mobile range", "conditions": {"caller": "_+3161234XXXX"},
         "action": {"type": "forward", "target": "+31612345678"}},
        {"priority": 3, "name": "Otherwise", "action": {"type": "voicemail", "extension_id": ext["id"]}}]}, t["admin"]))
    created(server.call("POST", f"{t['base']}/dids", {"number": "+31205559900", "trunk_id": trunk["id"], "dialplan_id": plan["id"],
                                                      "label": "Main line"}, t["admin"]))
    return {"tenant": t, "pages": ["/admin/home", "/admin/calls", "/admin/active", "/admin/voicemail", f"/admin/dialplans/{plan['id']}",
                                   "/admin/schedules", f"/admin/schedules/{schedule['id']}", "/admin/numbers", "/admin/extensions",
                                   f"/admin/extensions/{ext['id']}", f"/admin/trunks/{trunk['id']}", "/admin/users", "/admin/policy",
                                   "/admin/tokens"]}


@pytest.mark.parametrize("width", WIDTHS)
def test_the_console_fits_every_width_and_names_every_button(open_console, server, seeded, width):
    page = open_console("rachael@tyrell-widths.test", "admin-password", viewport=(width, 900))
    for path in seeded["pages"]:
        page.goto(server.base + path)
        page.wait_for_selector("#content h1")
        assert sideways(page) <= 0, f"{path} at {width} px scrolls sideways by {sideways(page)} px"
        assert page.evaluate(UNNAMED) == [], (path, width)
