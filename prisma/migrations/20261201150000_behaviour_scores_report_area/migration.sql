-- AlterTable
ALTER TABLE "Plan" ADD COLUMN "behaviourCriteria" TEXT;

-- AlterTable
ALTER TABLE "Report" ADD COLUMN "areaCode" TEXT;

-- CreateTable
CREATE TABLE "BehaviourScore" (
    "planYear" INTEGER NOT NULL,
    "responsabile" TEXT NOT NULL,
    "scores" TEXT NOT NULL,
    "enteredBy" TEXT NOT NULL,
    "enteredAt" DATETIME NOT NULL,

    PRIMARY KEY ("planYear", "responsabile")
);
