-- CreateTable
CREATE TABLE "CalendarClosure" (
    "date" TEXT NOT NULL PRIMARY KEY,
    "note" TEXT,
    "setBy" TEXT NOT NULL,
    "setAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "BotSetting" (
    "key" TEXT NOT NULL PRIMARY KEY,
    "value" TEXT NOT NULL,
    "setBy" TEXT NOT NULL,
    "setAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "Absence" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "slackUserId" TEXT NOT NULL,
    "fromDay" TEXT NOT NULL,
    "toDay" TEXT NOT NULL,
    "note" TEXT,
    "createdBy" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL,
    "cancelledAt" DATETIME,
    "cancelledBy" TEXT
);

-- CreateTable
CREATE TABLE "Snooze" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "planYear" INTEGER NOT NULL,
    "activityCode" TEXT NOT NULL,
    "slackUserId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "untilDay" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "NotificationPreference" (
    "slackUserId" TEXT NOT NULL PRIMARY KEY,
    "dmReminders" BOOLEAN NOT NULL DEFAULT true,
    "daysBefore" INTEGER,
    "updatedAt" DATETIME NOT NULL
);

-- CreateIndex
CREATE INDEX "Absence_slackUserId_idx" ON "Absence"("slackUserId");

-- CreateIndex
CREATE INDEX "Absence_toDay_idx" ON "Absence"("toDay");

-- CreateIndex
CREATE INDEX "Snooze_slackUserId_idx" ON "Snooze"("slackUserId");
