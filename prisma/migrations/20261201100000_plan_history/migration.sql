-- AlterTable
ALTER TABLE "Plan" ADD COLUMN "adoptedAct" TEXT;
ALTER TABLE "Plan" ADD COLUMN "adoptedFrom" TEXT;

-- AlterTable
ALTER TABLE "ManualDeadline" ADD COLUMN "note" TEXT;

-- AlterTable
ALTER TABLE "ScoringConfig" ADD COLUMN "act" TEXT;
ALTER TABLE "ScoringConfig" ADD COLUMN "validFrom" TEXT;

-- CreateTable
CREATE TABLE "Variation" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "planYear" INTEGER NOT NULL,
    "act" TEXT NOT NULL,
    "validFrom" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "source" TEXT,
    "createdAt" DATETIME NOT NULL,
    "createdBy" TEXT NOT NULL
);

-- CreateTable
CREATE TABLE "VariationChange" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "variationId" INTEGER NOT NULL,
    "planYear" INTEGER NOT NULL,
    "entityType" TEXT NOT NULL,
    "code" TEXT NOT NULL,
    "field" TEXT NOT NULL,
    "fromValue" TEXT,
    "toValue" TEXT,
    CONSTRAINT "VariationChange_variationId_fkey" FOREIGN KEY ("variationId") REFERENCES "Variation" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateIndex
CREATE INDEX "Variation_planYear_validFrom_idx" ON "Variation"("planYear", "validFrom");

-- CreateIndex
CREATE INDEX "VariationChange_planYear_code_idx" ON "VariationChange"("planYear", "code");

-- CreateIndex
CREATE INDEX "VariationChange_variationId_idx" ON "VariationChange"("variationId");
