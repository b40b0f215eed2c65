"""The loan simulation with its schedule shown, in Chromium: filled in and submitted on a
360 px phone, the result fits the screen (the table scrolls in its own box) and passes axe, on
the phone and on a laptop."""

from test_pages import AXE_RUN, VIEWPORTS, WIDE, WIDTH, axe_source


def test_the_schedule_fits_a_phone_and_passes_axe(page, live_server):
    page.set_viewport_size(VIEWPORTS["phone"])
    page.goto("/simulasi-pinjaman/")
    page.fill("input[name=principal]", "25.000.000")
    page.fill("input[name=annual_rate]", "18")
    page.fill("input[name=months]", "36")
    page.select_option("select[name=method]", "flat")
    page.locator("form[method=post] button[type=submit]").click()
    page.wait_for_selector("table tbody tr")
    assert page.locator("table tbody tr").count() == 36
    assert "bunga efektif" in page.locator(".effective-rate").inner_text()
    page.evaluate(axe_source())
    problems = []
    for size, viewport in VIEWPORTS.items():
        page.set_viewport_size(viewport)
        scroll_width, inner_width = page.evaluate(WIDTH)
        if scroll_width > inner_width:
            problems.append(f"{size}: {scroll_width} px wide: {page.evaluate(WIDE)}")
        problems += [f"{size}: axe {v['id']} {v['nodes']}" for v in page.evaluate(AXE_RUN)]
        page.screenshot(path=f"/tmp/kopdes-loan-simulation-{size}.png", full_page=True)
    assert problems == []
    assert page.locator("h1").count() == 1
    assert page.console_errors == []
