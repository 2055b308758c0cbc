// The share list's "Link to this article" becomes a button copying the article's address.
// Without JavaScript, or where the page may not write to the clipboard, it stays a link.
(function () {
  "use strict";
  if (!navigator.clipboard || !window.isSecureContext) return;

  document.querySelectorAll(".share").forEach(function (share) {
    var link = share.querySelector("a.share-copy");
    var status = share.querySelector(".share-status");
    if (!link || !status) return;
    var button = document.createElement("button");
    button.type = "button";
    button.className = link.className;
    button.textContent = "Copy link";
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(link.href).then(
        function () { status.textContent = "Link copied."; },
        function () { status.textContent = "Could not copy. The link is " + link.href; }
      );
    });
    link.replaceWith(button);
  });
})();
