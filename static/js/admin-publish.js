/* Article change form: names the publish button after what it will do. */
// Names the publish button for what it will do with the time entered: "Publish" or "Schedule".
// Without JavaScript it reads "Publish / schedule" and the server decides the same way.
(function () {
  "use strict";
  const buttons = document.querySelectorAll("[data-publish-button]");
  const date = document.getElementById("id_published_at_0");
  const time = document.getElementById("id_published_at_1");
  if (!buttons.length || !date || !time) { return; }
  // The inputs hold the site's local time; this is its offset from UTC, in seconds.
  const siteOffset = Number(document.body.dataset.adminUtcOffset || 0) * 1000;

  function publicationTime() {
    const day = date.value.trim();
    if (!day) { return null; }
    const midnight = /^\d{4}-\d{2}-\d{2}$/.test(day)
      ? new Date(day + "T00:00:00Z")
      : day.strptime(get_format("DATE_INPUT_FORMATS")[0]);
    const [hours = 0, minutes = 0, seconds = 0] = time.value.trim().split(":").map(Number);
    return midnight.getTime() + ((hours * 60 + minutes) * 60 + seconds) * 1000 - siteOffset;
  }

  function relabel() {
    const when = publicationTime();
    let label = "Publish / schedule";
    if (when === null || when <= Date.now()) { label = "Publish"; }
    else if (!Number.isNaN(when)) { label = "Schedule"; }
    buttons.forEach(function (button) { button.value = label; });
  }

  [date, time].forEach(function (input) {
    input.addEventListener("input", relabel);
    input.addEventListener("change", relabel);
  });
  // The calendar and clock shortcuts set the value without an input event.
  document.addEventListener("click", function () { window.setTimeout(relabel, 0); });
  relabel();
})();
