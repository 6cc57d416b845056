import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page


@pytest.fixture(scope="session")
def serious_violations():
    """axe-core's serious and critical findings on the page as it is now ([] when clean)."""
    axe = Axe()

    def check(page: Page) -> list[str]:
        results = axe.run(page)
        assert len(results.response["passes"]) > 10, "axe-core did not run in the page"
        return [
            f"{page.url} {v['id']}: {v['help']} ({len(v['nodes'])} nodes)"
            for v in results.response["violations"]
            if v["impact"] in ("serious", "critical")
        ]

    return check
