-- AlterTable
ALTER TABLE "Report" ADD COLUMN "denominator" INTEGER;
ALTER TABLE "Report" ADD COLUMN "numerator" INTEGER;
ALTER TABLE "Report" ADD COLUMN "valueSource" TEXT;

-- CreateTable
CREATE TABLE "ValidationFinding" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "planYear" INTEGER NOT NULL,
    "activityCode" TEXT NOT NULL,
    "outcome" TEXT NOT NULL,
    "note" TEXT,
    "recordedBy" TEXT NOT NULL,
    "recordedAt" DATETIME NOT NULL,
    "origin" TEXT NOT NULL
);

-- CreateTable
CREATE TABLE "ValidationSample" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "planYear" INTEGER NOT NULL,
    "seed" TEXT NOT NULL,
    "size" INTEGER NOT NULL,
    "codes" TEXT NOT NULL,
    "asOf" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL,
    "createdBy" TEXT NOT NULL
);

-- CreateIndex
CREATE INDEX "ValidationFinding_planYear_activityCode_idx" ON "ValidationFinding"("planYear", "activityCode");

-- CreateIndex
CREATE INDEX "ValidationSample_planYear_createdAt_idx" ON "ValidationSample"("planYear", "createdAt");
