// Print buttons: <button data-print>. Without JavaScript the browser's own print works.
document.querySelectorAll("[data-print]").forEach(function (b) {
  b.hidden = false;
  b.addEventListener("click", function () { window.print(); });
});
