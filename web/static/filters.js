// Progressive enhancement only: the page works without it. On a phone the filter panel starts
// folded so the results are the first thing on screen; the summary still opens it.
(function () {
  var panel = document.querySelector("details.filters");
  if (panel && window.matchMedia("(max-width: 48rem)").matches) {
    panel.open = false;
  }
})();
