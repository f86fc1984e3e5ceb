/** Stylesheets imported by the page are emitted as files (webpack `asset/resource`): the import is their URL. */
declare module '*.css' {
  const url: string;
  export default url;
}
