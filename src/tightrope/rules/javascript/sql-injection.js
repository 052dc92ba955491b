const mysql = require("mysql2/promise");
const { PrismaClient } = require("@prisma/client");

const prisma = new PrismaClient();

async function findUser(pool, username) {
  // ruleid: js.sql-injection
  const [rows] = await pool.query(`SELECT * FROM users WHERE name = '${username}'`);
  return rows;
}

async function deleteItem(db, id) {
  // ruleid: js.sql-injection
  return db.execute("DELETE FROM items WHERE id = " + id);
}

async function search(term) {
  // ruleid: js.sql-injection
  return prisma.$queryRawUnsafe(`SELECT id FROM posts WHERE title LIKE '%${term}%'`);
}

async function byStatus(knex, status) {
  const sql = "SELECT * FROM orders WHERE status = '" + status + "'";
  // ruleid: js.sql-injection
  return knex.raw(sql);
}

async function findUserSafe(pool, username) {
  // ok: js.sql-injection
  const [rows] = await pool.query("SELECT * FROM users WHERE name = ?", [username]);
  return rows;
}

async function searchSafe(term) {
  // ok: js.sql-injection
  return prisma.$queryRaw`SELECT id FROM posts WHERE title LIKE ${"%" + term + "%"}`;
}

function cacheGet(cache, id) {
  // ok: js.sql-injection
  return cache.get("user:" + id);
}
