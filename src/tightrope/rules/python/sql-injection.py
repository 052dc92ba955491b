import sqlite3

from django.contrib.auth.models import User
from sqlalchemy import text

conn = sqlite3.connect("app.db")


def find_user(username):
    cur = conn.cursor()
    # ruleid: py.sql-injection
    cur.execute(f"SELECT * FROM users WHERE name = '{username}'")
    return cur.fetchone()


def delete_item(item_id):
    # ruleid: py.sql-injection
    conn.execute("DELETE FROM items WHERE id = " + item_id)


def search(session, term):
    query = "SELECT id FROM posts WHERE title LIKE '%%%s%%'" % term
    # ruleid: py.sql-injection
    return session.execute(text(query)).all()


def by_email(email):
    # ruleid: py.sql-injection
    return User.objects.raw("SELECT * FROM auth_user WHERE email = '{}'".format(email))


def find_user_safe(username):
    cur = conn.cursor()
    # ok: py.sql-injection
    cur.execute("SELECT * FROM users WHERE name = ?", (username,))
    return cur.fetchone()


def many(ids):
    placeholders = ",".join("?" * len(ids))
    # ok: py.sql-injection
    conn.execute("SELECT * FROM items WHERE id IN (%s)" % ",".join("?" * len(ids)), ids)


def named(session, term):
    # ok: py.sql-injection
    return session.execute(text("SELECT id FROM posts WHERE title = :t"), {"t": term}).all()


def constant():
    # ok: py.sql-injection
    conn.execute(f"SELECT count(*) FROM items")


def by_status(status):
    base = "SELECT * FROM orders"
    # ruleid: py.sql-injection
    return conn.execute(base + " WHERE status = '" + status + "'").fetchall()


def lookup_short(query_db, short):
    # ruleid: py.sql-injection
    return query_db("select * from urls where short='%s'" % short)


def log_query(logger, table):
    # ok: py.sql-injection
    logger.info("select from %s finished" % table)


TABLE = "greetings"


def greet():
    # ok: py.sql-injection
    conn.execute("INSERT INTO %s VALUES('Hello World')" % TABLE)


def schema_version(conn, version):
    # ok: py.sql-injection
    conn.execute(f"PRAGMA user_version = {int(version)}")


def page(cur, limit, offset, name):
    # ok: py.sql-injection
    cur.execute("SELECT id FROM items LIMIT %d" % min(limit, 100))
    # ruleid: py.sql-injection
    cur.execute(f"SELECT id FROM items WHERE name = '{name}' LIMIT {int(limit)}")


def like_comment(db, user_id, text):
    sql_text = "INSERT INTO comments (user_id, body) VALUES ({}, '{}')".format(user_id, text)
    # ruleid: py.sql-injection
    return db.run_query(sql_text)


def last_match(db, scene):
    sql = "select date from matches where scene='{}'".format(scene)
    # ruleid: py.sql-injection
    return query_one(db, sql)


def helper_with_params(db, table, name):
    sql = "SELECT id FROM {} WHERE name = %s".format(table)
    # ok: py.sql-injection
    return query_one(db, sql, (name,))


def helper_constant(db):
    sql = "SELECT id FROM matches"
    # ok: py.sql-injection
    return query_one(db, sql)


def count_rows(connection, table_name):
    with connection.cursor() as cursor:
        # ok: py.sql-injection
        cursor.execute("SELECT COUNT(*) FROM %s" % connection.ops.quote_name(table_name))
        table = connection.ops.quote_name(table_name)
        # ok: py.sql-injection
        cursor.execute("DELETE FROM %s" % table)
        # ok: py.sql-injection
        cursor.execute("DELETE FROM %s" % table_name)
        # ruleid: py.sql-injection
        cursor.execute("DELETE FROM %s WHERE name = '%s'" % (table, table_name))
        # ruleid: py.sql-injection
        cursor.execute("SELECT id FROM " + table + " WHERE n > " + table_name)
        # ok: py.sql-injection
        cursor.execute("SELECT CAST('a' AS VARCHAR2(10)) FROM " + table_name)


def expire(cursor, quote_name, table, key):
    # ok: py.sql-injection
    cursor.execute("UPDATE %s SET %s = NULL WHERE %s = %%s" % (table, quote_name("expires"), quote_name("key")), [key])
    # ok: py.sql-injection
    cursor.execute("SELECT %(col)s FROM %(table)s" % {"col": quote_name("value"), "table": quote_name(table)})
    # ruleid: py.sql-injection
    cursor.execute("SELECT %(col)s FROM t WHERE key = '%(key)s'" % {"col": quote_name("value"), "key": key})


def subquery(RawSQL, compiler, params):
    sql, params = compiler.as_sql()
    # ok: py.sql-injection
    return RawSQL("SELECT * FROM (%s) subquery" % sql, params)


def drop_test_database(cursor, params):
    # ok: py.sql-injection
    cursor.execute("DROP DATABASE %(dbname)s" % params)
    # ruleid: py.sql-injection
    cursor.execute("SELECT * FROM items WHERE owner = '%(owner)s'" % params)
