-- AlterTable
ALTER TABLE "Activity" ADD COLUMN "weight" REAL;

-- AlterTable
ALTER TABLE "Report" ADD COLUMN "enteredBy" TEXT;
