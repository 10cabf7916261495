-- CreateTable
CREATE TABLE "PlanImportRequest" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "fileId" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "channelId" TEXT NOT NULL,
    "fileName" TEXT NOT NULL,
    "content" BLOB NOT NULL,
    "year" INTEGER NOT NULL,
    "createdAt" DATETIME NOT NULL,
    "decidedAt" DATETIME,
    "decidedBy" TEXT,
    "decision" TEXT
);

-- CreateIndex
CREATE UNIQUE INDEX "PlanImportRequest_fileId_key" ON "PlanImportRequest"("fileId");
