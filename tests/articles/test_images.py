from io import BytesIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from articles.images import Rendition, rendition_name, scaled_size
from articles.models import Article, Author
from tests.factories import ArticleFactory, AuthorFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _small_max_px(settings):
    # Small enough to keep Pillow quick, large enough for the 480px rendition.
    settings.IMAGE_MAX_PX = 800


def image_upload(name, size, *, fmt="JPEG", mode="RGB", color=(200, 30, 30)) -> SimpleUploadedFile:
    buffer = BytesIO()
    Image.new(mode, size, color).save(buffer, fmt)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=f"image/{fmt.lower()}")


def stored_path(fieldfile) -> Path:
    return Path(fieldfile.path)


def srcset_paths(srcset: str) -> list[tuple[Path, int]]:
    """The file under MEDIA_ROOT behind each srcset candidate, with its declared width."""
    candidates = []
    for candidate in srcset.split(", "):
        url, width = candidate.split(" ")
        assert url.startswith(settings.MEDIA_URL)
        path = Path(settings.MEDIA_ROOT) / url.removeprefix(settings.MEDIA_URL)
        candidates.append((path, int(width.removesuffix("w"))))
    return candidates


def test_large_author_photo_is_scaled_down_and_square_renditions_made():
    author = AuthorFactory(photo=image_upload("portrait.jpg", (3000, 1500)))

    with Image.open(stored_path(author.photo)) as stored:
        assert stored.size == (800, 400)
        assert stored.format == "JPEG"
    candidates = srcset_paths(author.photo_srcset)
    assert [width for _, width in candidates] == [128, 256]
    for path, width in candidates:
        with Image.open(path) as rendition:
            assert rendition.format == "JPEG"
            assert rendition.size == (width, width)
    assert author.photo_thumbnail_url == author.photo_srcset.split(" ")[0]


def test_small_author_photo_keeps_its_size_but_loses_its_location_data():
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    exif.get_ifd(0x8825)[2] = (51.0, 30.0, 0.0)  # GPS latitude
    buffer = BytesIO()
    Image.new("RGB", (300, 200), (10, 120, 200)).save(buffer, "JPEG", exif=exif)
    upload = SimpleUploadedFile("small.jpg", buffer.getvalue(), content_type="image/jpeg")

    author = AuthorFactory(photo=upload)

    with Image.open(stored_path(author.photo)) as stored:
        assert stored.size == (300, 200)
        assert not stored.getexif()
    assert all(path.exists() for path, _ in srcset_paths(author.photo_srcset))


def test_featured_image_narrower_than_renditions_is_offered_at_its_own_width():
    article = ArticleFactory(image=image_upload("narrow.jpg", (600, 300)))

    candidates = srcset_paths(article.image_srcset)

    assert [width for _, width in candidates] == [480, 600]
    assert all(path.exists() for path, _ in candidates)
    assert (article.image_width, article.image_height) == (600, 300)


@pytest.mark.parametrize(
    ("mode", "color"),
    [("RGBA", (0, 128, 0, 0)), ("LA", (90, 0)), ("P", 3)],
    ids=["rgba", "grey-alpha", "palette"],
)
@pytest.mark.parametrize("size", [(300, 200), (1200, 900)], ids=["small", "large"])
def test_transparent_png_makes_jpeg_renditions(mode, color, size):
    upload = image_upload("logo.png", size, fmt="PNG", mode=mode, color=color)

    author = AuthorFactory(photo=upload)

    with Image.open(stored_path(author.photo)) as stored:
        assert stored.format == "PNG"
        assert max(stored.size) <= 800
    for path, width in srcset_paths(author.photo_srcset):
        with Image.open(path) as rendition:
            assert rendition.format == "JPEG"
            assert rendition.mode == "RGB"
            assert rendition.size == (width, width)


def test_transparent_areas_become_white_in_renditions():
    author = AuthorFactory(
        photo=image_upload("clear.png", (300, 300), fmt="PNG", mode="RGBA", color=(0, 0, 0, 0))
    )

    path, _ = srcset_paths(author.photo_srcset)[0]
    with Image.open(path) as rendition:
        red, green, blue = rendition.getpixel((64, 64))
    assert min(red, green, blue) > 240


def test_featured_image_gets_width_renditions_listed_in_srcset(settings):
    settings.IMAGE_MAX_PX = 1600
    article = ArticleFactory(image=image_upload("protest.jpg", (2000, 1000)))

    with Image.open(stored_path(article.image)) as stored:
        assert stored.size == (1600, 800)
    candidates = srcset_paths(article.image_srcset)
    assert [width for _, width in candidates] == [480, 960, 1600]
    for path, width in candidates:
        with Image.open(path) as rendition:
            assert rendition.format == "JPEG"
            assert rendition.size == (width, width // 2)
    assert article.image_card_url == article.image_srcset.split(" ")[0]


def test_without_an_image_there_is_no_srcset():
    article = ArticleFactory()
    author = AuthorFactory()

    assert article.image_srcset == ""
    assert article.image_card_url == ""
    assert author.photo_srcset == ""
    assert author.photo_thumbnail_url == ""


def test_saving_again_without_a_new_upload_leaves_files_alone():
    author = AuthorFactory(photo=image_upload("portrait.jpg", (1000, 1000)))
    original_name = author.photo.name
    thumbnail, _ = srcset_paths(author.photo_srcset)[0]
    thumbnail.unlink()

    author.name = "Renamed in memory"
    author.save()
    reloaded = Author.objects.get(pk=author.pk)
    reloaded.name = "Renamed from the database"
    reloaded.save()

    assert not thumbnail.exists()
    assert Author.objects.get(pk=author.pk).photo.name == original_name
    assert sorted(p.name for p in stored_path(author.photo).parent.iterdir()) == [
        "portrait.jpg",
        "renditions",
    ]


def test_saving_an_article_again_does_not_remake_its_renditions():
    article = ArticleFactory(image=image_upload("scene.jpg", (900, 600)))
    paths = [path for path, _ in srcset_paths(article.image_srcset)]
    for path in paths:
        path.unlink()

    reloaded = Article.objects.get(pk=article.pk)
    reloaded.title = "New headline"
    reloaded.save()

    assert not any(path.exists() for path in paths)


def test_a_new_upload_replaces_the_renditions():
    author = AuthorFactory(photo=image_upload("portrait.jpg", (400, 400), color=(255, 0, 0)))

    author.photo = image_upload("portrait.jpg", (400, 400), color=(0, 0, 255))
    author.save()

    path, _ = srcset_paths(author.photo_srcset)[0]
    with Image.open(path) as rendition:
        red, _, blue = rendition.getpixel((64, 64))
    assert blue > 200 and red < 50


def test_photos_with_the_same_stem_keep_their_own_renditions():
    red = AuthorFactory(photo=image_upload("portrait.jpg", (300, 300), color=(255, 0, 0)))
    blue = AuthorFactory(
        photo=image_upload("portrait.png", (300, 300), fmt="PNG", color=(0, 0, 255))
    )

    assert red.photo_srcset != blue.photo_srcset
    red_thumbnail, _ = srcset_paths(red.photo_srcset)[0]
    with Image.open(red_thumbnail) as rendition:
        r, _, b = rendition.getpixel((64, 64))
    assert r > 200 and b < 50


def test_rendition_names_sit_beside_the_original():
    name = rendition_name("articles/2024/06/scene.jpg", Rendition("w480", 480))

    assert name.startswith("articles/2024/06/renditions/")
    assert name.endswith(".w480.jpg")


def test_unreadable_image_saved_outside_a_form_fails_with_a_clear_error():
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="not an image that can be read"):
        AuthorFactory(photo=SimpleUploadedFile("x.jpg", b"not an image", content_type="image/jpeg"))
    assert not Author.objects.exists()


@pytest.mark.parametrize("size", [(799, 333), (701, 999), (777, 555), (640, 20)])
def test_rendition_sizes_are_known_without_opening_the_file(size):
    article = ArticleFactory(image=image_upload("odd.jpg", size))
    rendition = Rendition("w480", 480)

    path = Path(settings.MEDIA_ROOT) / rendition_name(article.image.name, rendition)

    with Image.open(path) as made:
        assert made.size == scaled_size(*size, 480)
