import { recordingFiles } from '../callFile/files';
import { callFileResource } from '../callFile/resource';

/** A call's recordings stored on Stream: the call-file resource (../callFile/), for recordings. */
export const { description, getMany, delete: deleteRecording } = callFileResource(recordingFiles);
export { deleteRecording as delete };
