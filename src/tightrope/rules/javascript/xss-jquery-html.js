function showTitle(title) {
  // ruleid: js.xss-jquery-html
  $("#conversationTitle").html("<a href='#'>" + title + "</a>");
}

function addRow(dir, file) {
  // ruleid: js.xss-jquery-html
  const row = $('<tr data-dir="' + dir + '"><td>' + file.name + "</td></tr>");
  $("#files").append(row);
}

function preview() {
  // ruleid: js.xss-jquery-html
  $("#preview").html($("#comment").val());
}

function notify(name) {
  // ruleid: js.xss-jquery-html
  $(".alert").append(`<strong>Sorry ${name}, try again later.</strong>`);
}

function showTitleSafe(title) {
  // ok: js.xss-jquery-html
  $("#conversationTitle").empty().append($("<a href='#'>").text(title));
}

function addRowSafe(dir, file) {
  // ok: js.xss-jquery-html
  const row = $("<tr>").attr("data-dir", dir).append($("<td>").text(file.name));
  $("#files").append(row);
}

function previewSafe() {
  // ok: js.xss-jquery-html
  $("#preview").text($("#comment").val());
}

function spinner() {
  // ok: js.xss-jquery-html
  $("#status").html('<img src="spinner.gif">');
}

function copyMarkup() {
  // ok: js.xss-jquery-html
  $("#copy").html($("#original").html());
}
