CREATE SCHEMA "My Schema";
CREATE TYPE "My Schema"."Odd ""Type""" AS ENUM ('it''s', 'back\slash', 'ünïcödé');
CREATE TABLE "My Schema"."order" ("user" text, "select" int, "Mixed Case" "My Schema"."Odd ""Type""", "ünï" int);
COMMENT ON COLUMN "My Schema"."order"."user" IS 'who''s there';
CREATE INDEX "idx ""quoted""" ON "My Schema"."order" ("select");
CREATE VIEW "My Schema"."all" AS SELECT "user", "select" FROM "My Schema"."order";
GRANT SELECT ON "My Schema"."order" TO PUBLIC;
INSERT INTO "My Schema"."order" VALUES ('it''s me', 1, 'back\slash', 7);
