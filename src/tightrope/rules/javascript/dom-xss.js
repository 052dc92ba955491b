import DOMPurify from "dompurify";

function showSearch() {
  const q = decodeURIComponent(location.hash.slice(1));
  // ruleid: js.dom-xss
  document.getElementById("title").innerHTML = "Results for " + q;
}

function backLink() {
  // ruleid: js.dom-xss
  $(".back").append('<a href="' + document.referrer + '">back</a>');
}

window.addEventListener("message", (event) => {
  // ruleid: js.dom-xss
  $("#status").html(event.data.text);
});

function greet() {
  const name = new URLSearchParams(window.location.search).get("name");
  // ruleid: js.dom-xss
  document.write("<p>Hello " + name + "</p>");
}

function showSearchSafe() {
  const q = decodeURIComponent(location.hash.slice(1));
  // ok: js.dom-xss
  document.getElementById("title").textContent = "Results for " + q;
}

function backLinkSafe() {
  // ok: js.dom-xss
  $(".back").append($("<a>").attr("href", encodeURI(document.referrer)).text("back"));
}

window.addEventListener("message", (event) => {
  // ok: js.dom-xss
  $("#status").html(DOMPurify.sanitize(event.data.text));
});

function tabFromUrl(tabs) {
  const wanted = location.hash.slice(1);
  // ok: js.dom-xss
  $(".tab").html(tabs.includes(wanted) ? "<b>open</b>" : "<i>closed</i>");
}
