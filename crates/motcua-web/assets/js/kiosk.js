// Kiosk: go back to the start after a period without any touch, key or pointer movement.
(function () {
  var secs = parseInt(document.body.getAttribute("data-kiosk-reset"), 10);
  if (!secs) return;
  var timer;
  function arm() {
    clearTimeout(timer);
    timer = setTimeout(function () {
      // replace(): the reset adds no history entry of its own.
      if (location.pathname !== "/kiosk" || location.search) location.replace("/kiosk");
      else arm();
    }, secs * 1000);
  }
  ["pointerdown", "keydown", "touchstart", "input"].forEach(function (e) {
    document.addEventListener(e, arm, { passive: true });
  });
  arm();
})();
