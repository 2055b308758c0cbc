// Comments on an article page, enhanced in place:
// - "Reply to this comment" moves the comment form under that comment;
// - "Newer comments" appends the next page of threads (threads run oldest first) to the list.
// Without JavaScript both links lead to pages that do the same, and the server renders every
// comment (threading and numbering included), so this script only moves and copies its markup.
(function () {
  "use strict";
  const section = document.getElementById("comments");
  if (!section) { return; }
  const respond = document.getElementById("respond");
  const form = respond && respond.querySelector("[data-comment-form]");
  const heading = respond && respond.querySelector(".respond-title");
  const originalHeading = heading ? heading.textContent : "";
  // Marks where the form lives, so "Cancel reply" can put it back.
  const home = document.createComment(" comment form ");
  let cancelButton = null;
  let openLink = null;

  function prepareReplyLinks(root) {
    if (!form) { return; }
    root.querySelectorAll("[data-reply-to]").forEach(function (link) {
      link.setAttribute("aria-controls", "respond");
      link.setAttribute("aria-expanded", "false");
    });
  }

  function firstEmptyField() {
    // Required fields first: an empty optional website field is not where the reader is going.
    const fields = form.querySelectorAll("input[required], textarea[required], textarea");
    for (const field of fields) {
      if (!field.value.trim() && !field.closest(".honeypot")) { return field; }
    }
    return form.querySelector("textarea");
  }

  function makeCancelButton() {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "cancel-reply";
    button.textContent = "Cancel reply";
    button.addEventListener("click", function () { closeReply({ focusLink: true }); });
    return button;
  }

  function openReply(link) {
    const comment = link.closest("li[data-comment-id]");
    if (!comment) { return false; }
    if (openLink) { openLink.setAttribute("aria-expanded", "false"); }
    if (!home.parentNode) { respond.before(home); }
    const author = comment.querySelector(".comment-author");
    form.elements.reply_to.value = link.dataset.replyTo;
    heading.textContent = "Reply to " + (author ? author.textContent.trim() : "this comment");
    cancelButton = cancelButton || makeCancelButton();
    heading.after(cancelButton);
    // Under the comment itself, above its replies.
    comment.querySelector(".comment-body").after(respond);
    respond.classList.add("is-reply");
    link.setAttribute("aria-expanded", "true");
    openLink = link;
    firstEmptyField().focus();
    return true;
  }

  function closeReply(options) {
    if (!openLink) { return; }
    home.replaceWith(respond);
    respond.classList.remove("is-reply");
    form.elements.reply_to.value = "0";
    heading.textContent = originalHeading;
    cancelButton.remove();
    openLink.setAttribute("aria-expanded", "false");
    if (options.focusLink) { openLink.focus(); }
    openLink = null;
  }

  function onReplyClick(event, link) {
    if (!form || !form.elements.reply_to) { return; }
    if (link === openLink) {
      event.preventDefault();
      closeReply({ focusLink: true });
    } else if (openReply(link)) {
      event.preventDefault();
    }
  }

  async function loadNewer(link) {
    const response = await fetch(link.href, { credentials: "same-origin" });
    if (!response.ok) { throw new Error("HTTP " + response.status); }
    const page = new DOMParser().parseFromString(await response.text(), "text/html");
    const newList = page.querySelector("[data-comment-list]");
    const list = section.querySelector("[data-comment-list]");
    if (!newList || !list) { throw new Error("No comment list in " + link.href); }
    const added = Array.from(newList.children);
    prepareReplyLinks(newList);
    list.append(...added);
    const next = page.querySelector("[data-newer-comments]");
    const pager = link.closest(".comment-pages") || link;
    if (next) {
      link.setAttribute("href", next.getAttribute("href"));
      link.removeAttribute("aria-busy");
    } else {
      pager.remove();
    }
    // Keyboard and screen-reader users carry on reading where the new comments begin.
    if (added.length) {
      added[0].setAttribute("tabindex", "-1");
      added[0].focus();
    }
  }

  function onNewerClick(event, link) {
    event.preventDefault();
    if (link.getAttribute("aria-busy") === "true") { return; }
    link.setAttribute("aria-busy", "true");
    loadNewer(link).catch(function () {
      // Whatever went wrong, the plain link still shows the next page.
      window.location.assign(link.href);
    });
  }

  section.addEventListener("click", function (event) {
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey ||
        event.shiftKey || event.altKey) {
      return; // let the browser open links in new tabs as asked
    }
    const reply = event.target.closest("[data-reply-to]");
    if (reply) { onReplyClick(event, reply); return; }
    const newer = event.target.closest("[data-newer-comments]");
    if (newer) { onNewerClick(event, newer); }
  });

  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && openLink && respond.contains(document.activeElement)) {
      closeReply({ focusLink: true });
    }
  });

  prepareReplyLinks(section);
})();
