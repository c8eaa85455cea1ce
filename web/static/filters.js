// Progressive enhancement only: every feature here also works without JavaScript.
(function () {
  "use strict";

  // On a phone the filter panel starts folded so the results are the first thing on screen;
  // its summary still opens it.
  var panel = document.querySelector("details.filters");
  if (panel && window.matchMedia("(max-width: 48rem)").matches) {
    panel.open = false;
  }

  // Facet search boxes filter their list as one types (without JS the box's form asks the
  // server for the matching values). Matching ignores case and accents, like the search.
  function fold(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }

  function filterFacet(input) {
    var name = input.getAttribute("data-facet-filter");
    var needle = fold(input.value.trim());
    var items = document.querySelectorAll('[data-facet-list="' + name + '"] > li');
    var shown = 0;
    Array.prototype.forEach.call(items, function (item) {
      item.hidden = needle !== "" && fold(item.getAttribute("data-label") || "").indexOf(needle) < 0;
      shown += item.hidden ? 0 : 1;
    });
    // While filtering, the folded values show in place: "Ver más" would only get in the way.
    var more = document.querySelector('[data-facet-more="' + name + '"]');
    if (more) {
      more.classList.toggle("is-filtering", needle !== "");
      if (needle !== "") {
        more.open = true;
      }
    }
    var none = document.querySelector('[data-facet-none="' + name + '"]');
    if (none) {
      none.hidden = shown > 0;
    }
  }

  Array.prototype.forEach.call(document.querySelectorAll("[data-facet-filter]"), function (input) {
    input.addEventListener("input", function () {
      filterFacet(input);
    });
  });
})();
