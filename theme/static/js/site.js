// Progressive enhancement for every page: the "copy link" share button.
(function () {
  "use strict";
  document.documentElement.classList.add("js");
  var links = document.querySelectorAll("[data-copy-link]");
  Array.prototype.forEach.call(links, function (link) {
    link.addEventListener("click", function (event) {
      if (!navigator.clipboard) return; // keep the plain link
      event.preventDefault();
      navigator.clipboard.writeText(link.href).then(function () {
        link.textContent = "Lien copié";
      }, function () {
        window.location.href = link.href;
      });
    });
  });
})();
