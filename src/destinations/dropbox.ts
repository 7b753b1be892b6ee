/** The Dropbox destination; implemented in src/dropbox/, re-exported here beside the others. */
export {
  createDropboxDestination,
  type DropboxDestination,
  type DropboxDestinationOptions,
} from '../dropbox/index.js';
