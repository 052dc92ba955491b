import DOMPurify from "dompurify";

function renderComment(comment) {
  const el = document.createElement("div");
  // ruleid: js.xss-innerhtml
  el.innerHTML = `<b>${comment.author}</b>: ${comment.body}`;
  return el;
}

function showQuery() {
  const q = new URLSearchParams(location.search).get("q");
  // ruleid: js.xss-innerhtml
  document.getElementById("results").insertAdjacentHTML("afterbegin", "<h2>Results for " + q + "</h2>");
}

function Bio({ user }) {
  // ruleid: js.xss-innerhtml
  return <div className="bio" dangerouslySetInnerHTML={{ __html: user.bioHtml }} />;
}

function renderCommentSafe(comment) {
  const el = document.createElement("div");
  // ok: js.xss-innerhtml
  el.textContent = `${comment.author}: ${comment.body}`;
  return el;
}

function clear(el) {
  // ok: js.xss-innerhtml
  el.innerHTML = "";
}

function renderSanitized(el, html) {
  // ok: js.xss-innerhtml
  el.innerHTML = DOMPurify.sanitize(html);
}

function Readme({ doc }) {
  // ruleid: js.xss-innerhtml
  return <article dangerouslySetInnerHTML={doc.renderMarkup()}></article>;
}

function Badge(props) {
  // ruleid: js.xss-innerhtml
  return React.createElement("span", { className: "badge", dangerouslySetInnerHTML: { __html: props.label } });
}

function ReadmeSafe({ doc }) {
  // ok: js.xss-innerhtml
  return <article dangerouslySetInnerHTML={{ __html: DOMPurify.sanitize(doc.markup) }}></article>;
}

function BadgeSafe(props) {
  // ok: js.xss-innerhtml
  return React.createElement("span", { className: "badge" }, props.label);
}
