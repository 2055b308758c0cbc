"""Images in the body, from the editor itself: uploaded with the toolbar button or dropped files,
picked from the library, shown to readers at the right size; and a draft typed in the browser
survives a closed tab."""

import re
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from playwright.sync_api import expect

from articles.models import Article, LibraryImage
from articles.roles import EDITORS
from tests.e2e.signin import sign_in_staff
from tests.e2e.test_security_policy import RECORD_VIOLATIONS
from tests.factories import ArticleFactory, PageFactory

pytestmark = pytest.mark.django_db(transaction=True)

# The body's editable text (the menu's dropdowns use the class too).
BODY = ".ProseMirror[contenteditable]"


def jpeg(size=(1200, 800), colour=(30, 90, 160)) -> bytes:
    buffer = BytesIO()
    Image.new("RGB", size, colour).save(buffer, "JPEG")
    return buffer.getvalue()


@pytest.fixture
def editor_page(live_site, page, client):
    """A browser signed in as an editor, recording policy violations and script errors."""
    sign_in_staff(page, client, live_site, group=EDITORS)
    page.add_init_script(RECORD_VIOLATIONS)
    page.errors = []
    page.on("console", lambda message: message.type == "error" and page.errors.append(message.text))
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    return page


def assert_no_errors(page):
    assert page.evaluate("window.__cspViolations") == []
    assert page.errors == []


def body_end(page):
    """The caret at the end of the body's text, where an image goes in."""
    page.locator(BODY).click()
    page.keyboard.press("Control+End")


def test_an_editor_uploads_an_image_into_the_body_and_readers_get_it_responsive(
    editor_page, live_site, tmp_path
):
    page = editor_page
    article = ArticleFactory(draft=True, title="Tankers wait off Fujairah")
    photo = tmp_path / "fujairah.jpg"
    photo.write_bytes(jpeg())
    page.goto(f"{live_site.url}/admin/articles/article/{article.pk}/change/")

    body_end(page)
    page.get_by_role("button", name="Upload an image").click()
    dialog = page.get_by_role("dialog", name="Upload an image")
    dialog.get_by_label("Image file").set_input_files(photo)
    dialog.get_by_label("Alternative text").fill("Tankers at anchor off Fujairah")
    dialog.get_by_label("Caption").fill("The queue at dawn")
    dialog.get_by_label("Credit").fill("Ann Lee")
    dialog.get_by_role("button", name="Upload and insert").click()
    inserted = page.locator(f"{BODY} figure img")
    expect(inserted).to_have_attribute("alt", "Tankers at anchor off Fujairah")
    expect(page.locator(f"{BODY} figcaption")).to_have_text("The queue at dawn — Ann Lee")
    page.get_by_role("button", name="Publish", exact=True).click()
    expect(page.locator(".messagelist .success")).to_contain_text("is published")
    assert_no_errors(page)

    article.refresh_from_db()
    page.goto(live_site.url + article.get_absolute_url())
    image = page.locator("picture img[alt='Tankers at anchor off Fujairah']")
    expect(image).to_have_attribute("srcset", re.compile(r"\.w480\.jpg 480w, .*\.w960\.jpg 960w"))
    expect(image).to_have_attribute("sizes", re.compile(r"42rem"))
    expect(image).to_have_attribute("loading", "lazy")
    expect(image).to_have_attribute("width", "1200")
    expect(page.locator("picture source[type='image/webp']")).to_have_count(1)
    image.scroll_into_view_if_needed()
    page.wait_for_function("() => document.querySelector('picture img').naturalWidth > 0")
    assert LibraryImage.objects.get().uploaded_by.username == "leila"


def test_an_editor_picks_an_image_from_the_library_for_a_static_page(editor_page, live_site):
    page = editor_page
    for alt, name in [("Our newsroom in Beirut", "newsroom.jpg"), ("A harbour", "harbour.jpg")]:
        LibraryImage(
            file=SimpleUploadedFile(name, jpeg((900, 600)), content_type="image/jpeg"),
            alt=alt,
            caption="Where we work" if "newsroom" in name else "",
            credit="Staff",
        ).save()
    about = PageFactory(title="About", slug="about")
    page.goto(f"{live_site.url}/admin/articles/page/{about.pk}/change/")

    body_end(page)
    page.get_by_role("button", name="Image library").click()
    dialog = page.get_by_role("dialog", name="Image library")
    expect(dialog.locator(".editor-images-library img")).to_have_count(2)
    dialog.get_by_label("Search").fill("beirut")
    expect(dialog.locator(".editor-images-library button")).to_have_count(1)
    dialog.get_by_role("button", name="Our newsroom in Beirut").click()
    expect(page.locator(f"{BODY} figure img")).to_have_attribute("alt", "Our newsroom in Beirut")
    expect(page.locator(f"{BODY} figcaption")).to_have_text("Where we work — Staff")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist .success")).to_be_visible()
    assert_no_errors(page)

    page.goto(f"{live_site.url}/about/")
    image = page.locator("picture img[alt='Our newsroom in Beirut']")
    expect(image).to_have_attribute("srcset", re.compile(r"\.w480\.jpg 480w"))


DROP = """(element, pictures) => {
  const files = new DataTransfer();
  pictures.forEach(([name, bytes]) => {
    files.items.add(new File([new Uint8Array(bytes)], name, {type: "image/jpeg"}));
  });
  const box = element.getBoundingClientRect();
  element.dispatchEvent(new DragEvent("drop", {
    dataTransfer: files, clientX: box.left + 10, clientY: box.top + 10,
    bubbles: true, cancelable: true,
  }));
}"""


def test_dropped_files_are_uploaded_one_by_one_and_a_bad_one_gets_a_message_in_words(
    editor_page, live_site
):
    page = editor_page
    article = ArticleFactory(draft=True)
    page.goto(f"{live_site.url}/admin/articles/article/{article.pk}/change/")
    body = page.locator(BODY)
    expect(body).to_be_visible()

    body.evaluate(DROP, [["notes.jpg", list(b"this is not a picture")]])
    dialog = page.get_by_role("dialog", name="Upload an image")
    expect(dialog).to_contain_text("notes.jpg")
    dialog.get_by_label("Alternative text").fill("Nothing")
    dialog.get_by_role("button", name="Upload and insert").click()
    expect(dialog.get_by_role("alert")).to_contain_text("Image: Upload a valid image.")
    dialog.get_by_role("button", name="Cancel").click()
    expect(dialog).to_have_count(0)
    assert not LibraryImage.objects.exists()

    body.evaluate(DROP, [["first.jpg", list(jpeg((700, 400)))], ["second.jpg", list(jpeg())]])
    for name, alt in [("first.jpg", "The first photo"), ("second.jpg", "The second photo")]:
        expect(dialog).to_contain_text(name)
        dialog.get_by_label("Alternative text").fill(alt)
        dialog.get_by_role("button", name="Upload and insert").click()
    figures = page.locator(f"{BODY} figure img")
    expect(figures).to_have_count(2)
    assert [figures.nth(n).get_attribute("alt") for n in range(2)] == [
        "The first photo",
        "The second photo",
    ]
    assert sorted(LibraryImage.objects.values_list("alt", flat=True)) == [
        "The first photo",
        "The second photo",
    ]
    # The browser logs the refused upload's 400 as a failed load: expected here.
    assert [error for error in page.errors if "400" not in error] == []


def test_a_draft_typed_before_the_tab_closed_is_offered_back_until_saved(editor_page, live_site):
    page = editor_page
    article = ArticleFactory(draft=True, title="Talks resume")
    url = f"{live_site.url}/admin/articles/article/{article.pk}/change/"
    page.goto(url)

    page.get_by_label("Title").fill("Talks resume in Geneva")
    body_end(page)
    page.keyboard.type(" A paragraph written before the crash.")
    page.wait_for_function(
        "() => Object.values(localStorage).some(draft => draft.includes('before the crash'))"
    )
    page.goto(url)  # as after a crash: the form as last saved

    expect(page.get_by_label("Title")).to_have_value("Talks resume")
    offer = page.locator(".autosave-offer")
    expect(offer).to_contain_text(re.compile(r"An unsaved draft from \d\d:\d\d was found"))
    offer.get_by_role("button", name="Restore").click()
    expect(page.get_by_label("Title")).to_have_value("Talks resume in Geneva")
    expect(page.locator(BODY)).to_contain_text("written before the crash")
    page.get_by_role("button", name="Save draft").click()
    expect(page.locator(".messagelist .success")).to_be_visible()

    article.refresh_from_db()
    assert article.title == "Talks resume in Geneva"
    assert "written before the crash" in article.body
    assert article.status == Article.Status.DRAFT
    page.goto(url)
    expect(page.locator(BODY)).to_contain_text("written before the crash")
    expect(page.locator(".autosave-offer")).to_have_count(0)
    assert page.evaluate("Object.keys(localStorage).filter(key => key.includes('draft'))") == []
    assert_no_errors(page)


def test_signing_out_leaves_no_draft_behind_for_the_next_person(editor_page, live_site):
    page = editor_page
    article = ArticleFactory(draft=True, title="Talks resume")
    page.goto(f"{live_site.url}/admin/articles/article/{article.pk}/change/")
    page.get_by_label("Title").fill("An unpublished headline")
    page.wait_for_function(
        "() => Object.values(localStorage).some(draft => draft.includes('unpublished headline'))"
    )

    page.get_by_role("button", name="Log out").click()

    expect(page.get_by_text("Logged out")).to_be_visible()
    page.goto(f"{live_site.url}/admin/login/")
    assert page.evaluate("Object.keys(localStorage).filter(key => key.includes('draft'))") == []
