"""The media library page: drop an image, watch it upload straight to S3, describe it,
move its focal point, preview a network's crop, search by tag; a bad file is refused."""

from __future__ import annotations

import base64

import pytest

from tests.support.browser import sign_in_page
from tests.support.media_files import image_bytes

pytestmark = [pytest.mark.browser, pytest.mark.stack]
TIMES = "\N{MULTIPLICATION SIGN}"

DROP = """([data, name, type]) => {
  const bytes = Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
  const transfer = new DataTransfer();
  transfer.items.add(new File([bytes], name, { type }));
  const zone = document.querySelector("[data-testid=drop-zone]");
  for (const kind of ["dragenter", "dragover", "drop"]) {
    const init = { dataTransfer: transfer, bubbles: true, cancelable: true };
    zone.dispatchEvent(new DragEvent(kind, init));
  }
}"""


def drop_file(page, data: bytes, name: str, content_type: str) -> None:
    page.evaluate(DROP, [base64.b64encode(data).decode(), name, content_type])


def test_an_image_dropped_on_the_page_is_uploaded_described_and_cropped(page, stack):
    sign_in_page(page, stack.url)
    page.get_by_role("link", name="Media").click()
    page.get_by_role("heading", name="Media").wait_for()
    page.get_by_text("No media yet").wait_for()

    drop_file(page, image_bytes("JPEG", (1600, 900), noise=True), "beach.jpg", "image/jpeg")
    uploads = page.get_by_role("list", name="Uploads")
    uploads.get_by_role("status").filter(has_text="Ready").wait_for()
    assert uploads.get_by_label("Upload of beach.jpg").evaluate("bar => bar.value") == 1
    card = page.get_by_test_id("media-card").filter(has_text="beach.jpg")
    card.get_by_text(f"image · 1600{TIMES}900").wait_for()
    card.get_by_text("No alt text").wait_for()

    card.get_by_role("button", name="Open beach.jpg").click()
    details = page.get_by_role("complementary", name="Details of beach.jpg")
    details.get_by_label("Alt text").fill("Waves on a sandy beach at noon")
    details.get_by_label("Tags (separated by commas)").fill("#Summer, beach")
    picker = details.get_by_test_id("focal-picker")
    box = picker.bounding_box()
    picker.click(position={"x": box["width"] * 0.9, "y": box["height"] * 0.5})
    assert "90% across" in picker.get_attribute("aria-label")
    details.get_by_role("button", name="Save").click()
    details.get_by_role("status").filter(has_text="Saved").wait_for()
    card.get_by_role("list", name="Tags").get_by_text("#summer").wait_for()
    assert card.get_by_text("No alt text").count() == 0

    details.get_by_label("Network", exact=True).select_option(label="Instagram Story / Reel cover")
    details.get_by_text(f"Cropped and resized to 504{TIMES}896").wait_for()
    preview = details.get_by_test_id("crop-preview")
    page.wait_for_function(
        "img => img.complete && img.naturalWidth === 504", arg=preview.element_handle()
    )

    search = page.get_by_role("search").get_by_label("Search by tag")
    search.fill("summer")
    page.get_by_test_id("media-card").filter(has_text="beach.jpg").wait_for()
    search.fill("winter")
    page.get_by_text("Nothing matches this search.").wait_for()


@pytest.mark.expected_console_errors("status of 422")
def test_a_renamed_program_is_refused_with_the_reason(page, stack, tmp_path):
    sign_in_page(page, stack.url)
    page.goto("/media")
    program = tmp_path / "holiday.jpg"
    program.write_bytes(b"MZ\x90\x00" + bytes(2000))
    page.get_by_label("Choose files").set_input_files(str(program))
    page.get_by_role("alert").filter(has_text="executable program").wait_for()
    failed = page.get_by_test_id("media-card").filter(has_text="holiday.jpg")
    failed.get_by_text("This file is an executable program").wait_for()
