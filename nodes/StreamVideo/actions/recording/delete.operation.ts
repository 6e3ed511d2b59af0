import { deleteFileOperation } from '../callFile/deleteFile';
import { recordingFiles } from '../callFile/files';

/** Delete a Recording: one file of one session, with an audit record. */
export const { description, execute } = deleteFileOperation(recordingFiles);
