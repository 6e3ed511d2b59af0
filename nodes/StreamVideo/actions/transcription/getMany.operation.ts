import { getManyFilesOperation } from '../callFile/getManyFiles';
import { transcriptionFiles } from '../callFile/files';

/** Get Many Transcriptions: every transcription Stream stores for a call. */
export const { description, execute } = getManyFilesOperation(transcriptionFiles);
