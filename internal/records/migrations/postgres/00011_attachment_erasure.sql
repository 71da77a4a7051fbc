-- Disposal (selejtezés) deletes the files of a disposed case for good but
-- keeps their metadata (Iratkr. 64. § (6), ISZ-r. 18. §): erased_at marks
-- an attachment whose content is gone. Keep identical to
-- ../sqlite/00011_attachment_erasure.sql.

-- +goose Up
ALTER TABLE records_attachments ADD COLUMN erased_at TIMESTAMPTZ;

-- +goose Down
ALTER TABLE records_attachments DROP COLUMN erased_at;
