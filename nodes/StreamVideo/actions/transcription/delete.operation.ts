import { deleteFileOperation } from '../callFile/deleteFile';
import { transcriptionFiles } from '../callFile/files';

/** Delete a Transcription: one file of one session, with an audit record. */
export const { description, execute } = deleteFileOperation(transcriptionFiles);
